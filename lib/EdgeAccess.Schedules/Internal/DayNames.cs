using NodaTime;

namespace EdgeAccess.Schedules.Internal;

/// <summary>Three-letter English day names for describe and explain output.</summary>
internal static class DayNames
{
    private static readonly string[] Names = ["?", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public static string Short(IsoDayOfWeek day) =>
        day is >= IsoDayOfWeek.Monday and <= IsoDayOfWeek.Sunday ? Names[(int)day] : Names[0];
}
