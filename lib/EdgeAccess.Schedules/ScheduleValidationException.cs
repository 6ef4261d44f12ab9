namespace EdgeAccess.Schedules;

/// <summary>
/// Thrown by <see cref="CompiledSchedule.Compile"/> when a definition is invalid; carries the
/// same errors <see cref="ScheduleValidator.Validate(ScheduleDefinition)"/> returns.
/// </summary>
public sealed class ScheduleValidationException : Exception
{
    /// <summary>Creates the exception from validation errors.</summary>
    /// <param name="errors">The errors; the message lists them all.</param>
    public ScheduleValidationException(IReadOnlyList<ScheduleValidationError> errors)
        : base("Invalid schedule: " + string.Join("; ", errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a message and no field errors.</summary>
    public ScheduleValidationException()
        : this("Invalid schedule.")
    {
    }

    /// <summary>Creates the exception with a message and no field errors.</summary>
    /// <param name="message">The message.</param>
    public ScheduleValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with a message, an inner exception and no field errors.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ScheduleValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>The problems found, each naming its field.</summary>
    public IReadOnlyList<ScheduleValidationError> Errors { get; }
}
