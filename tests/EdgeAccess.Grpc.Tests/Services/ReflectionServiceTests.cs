using EdgeAccess.Grpc.Client;
using EdgeAccess.Grpc.Reflection.V1Alpha;
using EdgeAccess.Grpc.Services;
using EdgeAccess.Grpc.Tests.Infrastructure;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Xunit;
using ReflectionClient = EdgeAccess.Grpc.Reflection.V1Alpha.ServerReflection.Client;

namespace EdgeAccess.Grpc.Tests.Services;

/// <summary>grpc.reflection.v1alpha.ServerReflection served by <see cref="ReflectionService"/> on a real Kestrel server, called with our client.</summary>
public sealed class ReflectionServiceTests : IAsyncLifetime
{
    private const string TestProto = "grpc/testing/test.proto";
    private const string EmptyProto = "grpc/testing/empty.proto";
    private const string MessagesProto = "grpc/testing/messages.proto";
    private const int NotFound = 5;

    private StandardServicesServer _server = null!;
    private GrpcChannel _channel = null!;
    private ReflectionClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await StandardServicesServer.StartAsync();
        _channel = GrpcChannel.ForAddress(_server.Address);
        _client = new ReflectionClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ServerReflectionInfo_ListServices_ReturnsEveryMappedService()
    {
        var responses = await ExchangeAsync(new ServerReflectionRequest { Host = "localhost", ListServices = "*" });

        var response = Assert.Single(responses);
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.ListServicesResponse, response.MessageResponseCase);
        Assert.Equal(
            ["grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection", "grpc.testing.TestService"],
            response.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal("localhost", response.ValidHost);
        Assert.Equal("*", response.OriginalRequest.ListServices);
    }

    [Fact]
    public async Task ServerReflectionInfo_FileContainingSymbolService_ReturnsFileThenItsDependencies()
    {
        var responses = await ExchangeAsync(new ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService" });

        var files = ParseFiles(Assert.Single(responses));
        Assert.Equal(TestProto, files[0].Name);
        Assert.Equal([EmptyProto, MessagesProto, TestProto], files.Select(f => f.Name).Order(StringComparer.Ordinal));
        var service = Assert.Single(files[0].Service, s => s.Name == "TestService");
        Assert.Contains(service.Method, m => m.Name == "UnaryCall" && m.InputType == ".grpc.testing.SimpleRequest");

        // What a client like grpcurl does with them: link them into descriptors.
        var linked = Link(files);
        Assert.NotNull(linked[TestProto].FindTypeByName<ServiceDescriptor>("TestService")?.FindMethodByName("FullDuplexCall"));
    }

    [Theory]
    [InlineData("grpc.testing.TestService.UnaryCall", TestProto)]
    [InlineData("grpc.testing.SimpleRequest", MessagesProto)]
    [InlineData("grpc.testing.SimpleRequest.response_size", MessagesProto)]
    [InlineData("grpc.testing.PayloadType", MessagesProto)]
    [InlineData("grpc.testing.Empty", EmptyProto)]
    [InlineData("grpc.health.v1.Health.Watch", "grpc/health/v1/health.proto")]
    [InlineData("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto")]
    [InlineData("grpc.reflection.v1alpha.ServerReflection", "grpc/reflection/v1alpha/reflection.proto")]
    public async Task ServerReflectionInfo_FileContainingSymbol_ReturnsDeclaringFileFirst(string symbol, string file)
    {
        var responses = await ExchangeAsync(new ServerReflectionRequest { FileContainingSymbol = symbol });

        var files = ParseFiles(Assert.Single(responses));
        Assert.Equal(file, files[0].Name);
    }

    [Fact]
    public async Task ServerReflectionInfo_SecondRequestOnStream_OmitsDependenciesAlreadySent()
    {
        var responses = await ExchangeAsync(
            new ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService" },
            new ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService.EmptyCall" },
            new ServerReflectionRequest { FileByFilename = MessagesProto });

        Assert.Equal(3, ParseFiles(responses[0]).Count);
        Assert.Equal([TestProto], ParseFiles(responses[1]).Select(f => f.Name));
        Assert.Equal([MessagesProto], ParseFiles(responses[2]).Select(f => f.Name));
    }

    [Fact]
    public async Task ServerReflectionInfo_FileByFilename_ReturnsFile()
    {
        var responses = await ExchangeAsync(new ServerReflectionRequest { FileByFilename = EmptyProto });

        var file = Assert.Single(ParseFiles(Assert.Single(responses)));
        Assert.Equal(EmptyProto, file.Name);
        Assert.Equal("grpc.testing", file.Package);
    }

    [Fact]
    public async Task ServerReflectionInfo_UnknownSymbolOrFile_ReturnsNotFoundAndStreamContinues()
    {
        var responses = await ExchangeAsync(
            new ServerReflectionRequest { FileContainingSymbol = "no.such.Symbol" },
            new ServerReflectionRequest { FileByFilename = "no/such/file.proto" },
            new ServerReflectionRequest { ListServices = string.Empty });

        Assert.Equal(3, responses.Count);
        Assert.Equal(NotFound, responses[0].ErrorResponse?.ErrorCode);
        Assert.Equal("no.such.Symbol", responses[0].OriginalRequest.FileContainingSymbol);
        Assert.Equal(NotFound, responses[1].ErrorResponse?.ErrorCode);
        Assert.NotEmpty(responses[2].ListServicesResponse.Service);
    }

    [Fact]
    public async Task ServerReflectionInfo_Extensions_NotFoundOrEmpty()
    {
        var responses = await ExchangeAsync(
            new ServerReflectionRequest { FileContainingExtension = new ExtensionRequest { ContainingType = "grpc.testing.SimpleRequest", ExtensionNumber = 100 } },
            new ServerReflectionRequest { AllExtensionNumbersOfType = "grpc.testing.SimpleRequest" },
            new ServerReflectionRequest { AllExtensionNumbersOfType = "no.such.Type" });

        Assert.Equal(NotFound, responses[0].ErrorResponse?.ErrorCode);
        Assert.Equal("grpc.testing.SimpleRequest", responses[1].AllExtensionNumbersResponse.BaseTypeName);
        Assert.Empty(responses[1].AllExtensionNumbersResponse.ExtensionNumber);
        Assert.Equal(NotFound, responses[2].ErrorResponse?.ErrorCode);
    }

    // One stream: every request, half-close, then every response; bounded by the call's timeout.
    private async Task<List<ServerReflectionResponse>> ExchangeAsync(params ServerReflectionRequest[] requests)
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        using var call = _client.ServerReflectionInfo(cancellationToken: cts.Token);
        var responses = new List<ServerReflectionResponse>();
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request, cts.Token).WaitAsync(TestTimeouts.Call);
            Assert.True(await call.ResponseStream.MoveNext(cts.Token).WaitAsync(TestTimeouts.Call));
            responses.Add(call.ResponseStream.Current);
        }

        await call.RequestStream.CompleteAsync().WaitAsync(TestTimeouts.Call);
        Assert.False(await call.ResponseStream.MoveNext(cts.Token).WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        return responses;
    }

    private static List<FileDescriptorProto> ParseFiles(ServerReflectionResponse response)
    {
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.MessageResponseCase);
        return response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
    }

    // Builds descriptors from the protos, dependencies first, as a reflection client does.
    private static Dictionary<string, FileDescriptor> Link(List<FileDescriptorProto> protos)
    {
        var ordered = new List<FileDescriptorProto>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (ordered.Count < protos.Count)
        {
            var next = protos.First(p => !placed.Contains(p.Name) && p.Dependency.All(placed.Contains));
            ordered.Add(next);
            placed.Add(next.Name);
        }

        var files = FileDescriptor.BuildFromByteStrings(ordered.Select(p => p.ToByteString()));
        return files.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }
}
