namespace EdgeAccess.Grpc.Client;

/// <summary>Base of every generated client: holds the invoker its calls go through.</summary>
public abstract class ClientBase
{
    /// <summary>Creates a client over <paramref name="callInvoker"/>.</summary>
    protected ClientBase(CallInvoker callInvoker)
    {
        ArgumentNullException.ThrowIfNull(callInvoker);
        CallInvoker = callInvoker;
    }

    /// <summary>Creates a client over a channel.</summary>
    protected ClientBase(GrpcChannel channel) : this(channel.CreateCallInvoker())
    {
    }

    /// <summary>The invoker calls go through.</summary>
    protected internal CallInvoker CallInvoker { get; }
}
