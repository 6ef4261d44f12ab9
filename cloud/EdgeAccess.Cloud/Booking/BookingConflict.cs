using System.Globalization;
using EdgeAccess.Grpc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EdgeAccess.Cloud.Booking;

/// <summary>
/// The requested time of a resource is taken. Thrown inside the write's transaction and answered
/// after it rolled back, when the alternatives can be read (an aborted transaction reads nothing).
/// </summary>
internal sealed class BookingConflictException(IReadOnlyList<Guid> resources, Span requested) : Exception("the requested time is not free")
{
    public BookingConflictException(Guid resource, Span requested)
        : this([resource], requested)
    {
    }

    /// <summary>The resource(s) the write booked; one of them is taken.</summary>
    public IReadOnlyList<Guid> Resources { get; } = resources;

    public Span Requested { get; } = requested;
}

/// <summary>How a taken slot is answered.</summary>
internal static class BookingConflict
{
    /// <summary>The trailer listing alternatives as <c>start/end</c> RFC 3339 pairs, comma-separated.</summary>
    public const string AlternativesTrailer = "booking-alternatives";

    /// <summary>The exclusion constraint of 0008_booking.sql.</summary>
    public const string Constraint = "bookings_no_overlap";

    /// <summary>True when the database refused a write because the range overlaps an active booking.</summary>
    public static bool IsOverlap(Exception exception) =>
        exception is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation, ConstraintName: Constraint } }
        or PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation, ConstraintName: Constraint };

    /// <summary>
    /// FAILED_PRECONDITION, the hub's status for "the state does not allow this" (a lost race on an
    /// etag answers the same): the slot is taken, here are the nearest free ones.
    /// </summary>
    public static RpcException Status(string resourceName, SlotGrid grid, Span requested, IReadOnlyList<Span> alternatives)
    {
        var wanted = $"{grid.Show(requested.Start)}–{grid.Show(requested.End)}";
        var message = alternatives.Count == 0
            ? $"resource \"{resourceName}\" is not free at {wanted} ({grid.Zone.Id}) and has no free slot of that length nearby"
            : $"resource \"{resourceName}\" is not free at {wanted} ({grid.Zone.Id}); nearest free: "
              + string.Join(", ", alternatives.Select(a => $"{grid.Show(a.Start)}–{grid.Show(a.End)}"));
        var trailers = new Metadata
        {
            { AlternativesTrailer, string.Join(',', alternatives.Select(a => $"{Iso(a.Start)}/{Iso(a.End)}")) },
        };
        return new RpcException(new Status(StatusCode.FailedPrecondition, message), trailers);
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
