using EdgeAccess.Grpc.Interceptors;
using Google.Protobuf;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeAccess.Grpc.Server.Internal;

/// <summary>
/// Turns the methods generated code registers into endpoints: one POST route per method path,
/// each running the interceptor pipeline around the implementation <typeparamref name="TImpl"/>.
/// Checks every bound method against the service descriptor, so code and contract cannot drift.
/// </summary>
internal sealed class EndpointServiceBinder<TBase, TImpl>(
    IEndpointRouteBuilder routes,
    ServiceDescriptor descriptor,
    ServerCallRunner runner,
    IReadOnlyList<Interceptor> interceptors) : ServiceBinder<TBase>
    where TBase : class
    where TImpl : class, TBase
{
    private readonly ObjectFactory _factory = ActivatorUtilities.CreateFactory(typeof(TImpl), Type.EmptyTypes);

    public List<IEndpointConventionBuilder> Endpoints { get; } = [];

    public override void AddUnary<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TBase, TRequest, ServerCallContext, Task<TResponse>> handler)
    {
        Check(method);
        UnaryServerMethod<TRequest, TResponse> pipeline = (request, context) => Invoke(context, service => handler(service, request, context));
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, next) = (interceptors[i], pipeline);
            pipeline = (request, context) => interceptor.UnaryServerHandler(request, context, next);
        }

        Map(method, ServerCallHandlers.Unary(runner, method, pipeline));
    }

    public override void AddClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TBase, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
    {
        Check(method);
        ClientStreamingServerMethod<TRequest, TResponse> pipeline = (requests, context) => Invoke(context, service => handler(service, requests, context));
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, next) = (interceptors[i], pipeline);
            pipeline = (requests, context) => interceptor.ClientStreamingServerHandler(requests, context, next);
        }

        Map(method, ServerCallHandlers.ClientStreaming(runner, method, pipeline));
    }

    public override void AddServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TBase, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
    {
        Check(method);
        ServerStreamingServerMethod<TRequest, TResponse> pipeline = (request, responses, context) => Invoke(context, service => handler(service, request, responses, context));
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, next) = (interceptors[i], pipeline);
            pipeline = (request, responses, context) => interceptor.ServerStreamingServerHandler(request, responses, context, next);
        }

        Map(method, ServerCallHandlers.ServerStreaming(runner, method, pipeline));
    }

    public override void AddDuplexStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TBase, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
    {
        Check(method);
        DuplexStreamingServerMethod<TRequest, TResponse> pipeline = (requests, responses, context) => Invoke(context, service => handler(service, requests, responses, context));
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (interceptor, next) = (interceptors[i], pipeline);
            pipeline = (requests, responses, context) => interceptor.DuplexStreamingServerHandler(requests, responses, context, next);
        }

        Map(method, ServerCallHandlers.DuplexStreaming(runner, method, pipeline));
    }

    // The implementation comes from DI when registered there (its lifetime is then DI's), otherwise
    // one instance per call, disposed with the call (as grpc-dotnet does).
    private async Task<T> Invoke<T>(ServerCallContext context, Func<TBase, Task<T>> call)
    {
        var services = context.GetHttpContext().RequestServices;
        var registered = services.GetService<TImpl>();
        var service = registered ?? (TImpl)_factory(services, null);
        try
        {
            return await call(service).ConfigureAwait(false);
        }
        finally
        {
            if (registered is null)
            {
                await DisposeAsync(service).ConfigureAwait(false);
            }
        }
    }

    private async Task Invoke(ServerCallContext context, Func<TBase, Task> call) =>
        await Invoke<bool>(context, async service =>
        {
            await call(service).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private static async ValueTask DisposeAsync(object service)
    {
        switch (service)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private void Check(IMethod method)
    {
        var found = descriptor.FindMethodByName(method.Name);
        if (found is null || method.ServiceName != descriptor.FullName ||
            found.IsClientStreaming != method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming ||
            found.IsServerStreaming != method.Type is MethodType.ServerStreaming or MethodType.DuplexStreaming)
        {
            throw new InvalidOperationException($"Method {method.FullName} ({method.Type}) does not match the descriptor of {descriptor.FullName}.");
        }
    }

    private void Map(IMethod method, RequestDelegate requestDelegate)
    {
        var endpoint = routes.MapPost(method.FullName, requestDelegate)
            .WithDisplayName($"gRPC - {method.FullName}")
            .WithMetadata(new GrpcMethodMetadata(method, descriptor));
        Endpoints.Add(endpoint);
    }
}

/// <summary>Endpoint metadata naming the gRPC method an endpoint serves.</summary>
/// <param name="Method">The method.</param>
/// <param name="Service">The service descriptor.</param>
public sealed record GrpcMethodMetadata(IMethod Method, ServiceDescriptor Service);
