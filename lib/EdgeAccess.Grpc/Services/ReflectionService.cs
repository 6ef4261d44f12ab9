using EdgeAccess.Grpc.Reflection.V1Alpha;
using EdgeAccess.Grpc.Server;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Logging;
using ReflectionServiceBase = EdgeAccess.Grpc.Reflection.V1Alpha.ServerReflection.ServiceBase;
using RequestCase = EdgeAccess.Grpc.Reflection.V1Alpha.ServerReflectionRequest.MessageRequestOneofCase;

namespace EdgeAccess.Grpc.Services;

/// <summary>
/// gRPC server reflection, <c>grpc.reflection.v1alpha.ServerReflection</c>
/// (grpc/doc/server-reflection.md), over the services mapped on this server
/// (<see cref="GrpcServiceRegistry"/>), as grpcurl, grpc_cli and Postman use it.
/// </summary>
/// <remarks>
/// <para>Known files are the files of the mapped services and their transitive imports; known
/// symbols are the services, methods (<c>pkg.Service.Method</c>), messages, enums (nested ones too),
/// fields, enum values and extensions those files declare.</para>
/// <para>A file answer holds the serialized <c>FileDescriptorProto</c> of the requested file first,
/// then those of its transitive imports not yet sent on this stream (as the protocol allows, and as
/// grpc-go does); clients keep what they were sent. Unknown files, symbols, extensions and types
/// get an <c>error_response</c> with NOT_FOUND (5); the stream goes on.</para>
/// <para>Registered as a singleton: the symbol index is built once per set of mapped services.</para>
/// </remarks>
public sealed class ReflectionService(GrpcServiceRegistry registry, ILogger<ReflectionService> logger) : ReflectionServiceBase
{
    private volatile SymbolIndex? _index;

    /// <inheritdoc />
    public override async Task ServerReflectionInfo(
        IAsyncStreamReader<ServerReflectionRequest> requestStream,
        IServerStreamWriter<ServerReflectionResponse> responseStream,
        ServerCallContext context)
    {
        var index = GetIndex();
        var sentFiles = new HashSet<string>(StringComparer.Ordinal);
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var response = Answer(index, requestStream.Current, sentFiles);
            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }

    private ServerReflectionResponse Answer(SymbolIndex index, ServerReflectionRequest request, HashSet<string> sentFiles)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case RequestCase.FileByFilename:
                if (index.Files.TryGetValue(request.FileByFilename, out var byName))
                {
                    response.FileDescriptorResponse = FileResponse(byName, sentFiles);
                }
                else
                {
                    response.ErrorResponse = NotFound("file_by_filename", request.FileByFilename, $"File not found: {request.FileByFilename}");
                }

                break;

            case RequestCase.FileContainingSymbol:
                if (index.Symbols.TryGetValue(request.FileContainingSymbol, out var bySymbol))
                {
                    response.FileDescriptorResponse = FileResponse(bySymbol, sentFiles);
                }
                else
                {
                    response.ErrorResponse = NotFound("file_containing_symbol", request.FileContainingSymbol, $"Symbol not found: {request.FileContainingSymbol}");
                }

                break;

            case RequestCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                if (index.Extensions.TryGetValue((extension.ContainingType, extension.ExtensionNumber), out var byExtension))
                {
                    response.FileDescriptorResponse = FileResponse(byExtension, sentFiles);
                }
                else
                {
                    var name = $"{extension.ContainingType}({extension.ExtensionNumber})";
                    response.ErrorResponse = NotFound("file_containing_extension", name, $"Extension not found: {name}");
                }

                break;

            case RequestCase.AllExtensionNumbersOfType:
                var type = request.AllExtensionNumbersOfType;
                if (index.Messages.Contains(type))
                {
                    var numbers = new ExtensionNumberResponse { BaseTypeName = type };
                    if (index.ExtensionNumbers.TryGetValue(type, out var known))
                    {
                        numbers.ExtensionNumber.Add(known);
                    }

                    response.AllExtensionNumbersResponse = numbers;
                }
                else
                {
                    response.ErrorResponse = NotFound("all_extension_numbers_of_type", type, $"Type not found: {type}");
                }

                break;

            case RequestCase.ListServices:
                var services = new ListServiceResponse();
                services.Service.Add(index.ServiceNames.Select(name => new ServiceResponse { Name = name }));
                response.ListServicesResponse = services;
                break;

            default:
                // No request field this server knows (e.g. one a later protocol version added).
                response.ErrorResponse = new ErrorResponse
                {
                    ErrorCode = (int)StatusCode.Unimplemented,
                    ErrorMessage = "The request sets no message_request this server supports.",
                };
                break;
        }

        return response;
    }

    private ErrorResponse NotFound(string request, string name, string message)
    {
        ReflectionServiceLog.NotFound(logger, request, name);
        return new ErrorResponse { ErrorCode = (int)StatusCode.NotFound, ErrorMessage = message };
    }

    // The requested file always, then its transitive imports (breadth first) not yet sent on this stream.
    private static FileDescriptorResponse FileResponse(FileDescriptor file, HashSet<string> sentFiles)
    {
        var response = new FileDescriptorResponse();
        var visited = new HashSet<string>(StringComparer.Ordinal) { file.Name };
        var queue = new Queue<FileDescriptor>();
        queue.Enqueue(file);
        while (queue.TryDequeue(out var current))
        {
            if (sentFiles.Add(current.Name) || current == file)
            {
                response.FileDescriptorProto.Add(current.SerializedData);
            }

            foreach (var dependency in current.Dependencies)
            {
                if (visited.Add(dependency.Name))
                {
                    queue.Enqueue(dependency);
                }
            }
        }

        return response;
    }

    // Services are mapped at startup, so the index is normally built once; it is rebuilt if the
    // set of mapped services differs from the one it was built from.
    private SymbolIndex GetIndex()
    {
        var services = registry.Services;
        var index = _index;
        if (index is not null && index.ServiceNames.SequenceEqual(services.Select(s => s.FullName), StringComparer.Ordinal))
        {
            return index;
        }

        index = SymbolIndex.Build(services);
        ReflectionServiceLog.IndexBuilt(logger, index.ServiceNames.Count, index.Files.Count, index.Symbols.Count);
        _index = index;
        return index;
    }

    /// <summary>What reflection can answer about a set of services, by name.</summary>
    private sealed class SymbolIndex
    {
        private SymbolIndex(IReadOnlyList<string> serviceNames) => ServiceNames = serviceNames;

        public IReadOnlyList<string> ServiceNames { get; }

        public Dictionary<string, FileDescriptor> Files { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, FileDescriptor> Symbols { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Messages { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Extendee, int Number), FileDescriptor> Extensions { get; } = [];

        public Dictionary<string, List<int>> ExtensionNumbers { get; } = new(StringComparer.Ordinal);

        public static SymbolIndex Build(IReadOnlyCollection<ServiceDescriptor> services)
        {
            var index = new SymbolIndex(services.Select(s => s.FullName).ToArray());
            foreach (var service in services)
            {
                index.AddFile(service.File);
            }

            foreach (var numbers in index.ExtensionNumbers.Values)
            {
                numbers.Sort();
            }

            return index;
        }

        private void AddFile(FileDescriptor file)
        {
            if (!Files.TryAdd(file.Name, file))
            {
                return;
            }

            foreach (var service in file.Services)
            {
                AddSymbol(service.FullName, file);
                foreach (var method in service.Methods)
                {
                    AddSymbol(method.FullName, file);
                }
            }

            foreach (var message in file.MessageTypes)
            {
                AddMessage(message, file);
            }

            foreach (var enumType in file.EnumTypes)
            {
                AddEnum(enumType, file.Package, file);
            }

            AddExtensions(file.Extensions.UnorderedExtensions, file);
            foreach (var dependency in file.Dependencies)
            {
                AddFile(dependency);
            }
        }

        private void AddMessage(MessageDescriptor message, FileDescriptor file)
        {
            AddSymbol(message.FullName, file);
            Messages.Add(message.FullName);
            foreach (var field in message.Fields.InDeclarationOrder())
            {
                AddSymbol(field.FullName, file);
            }

            foreach (var oneof in message.Oneofs)
            {
                AddSymbol(oneof.FullName, file);
            }

            foreach (var nested in message.NestedTypes)
            {
                AddMessage(nested, file);
            }

            foreach (var enumType in message.EnumTypes)
            {
                AddEnum(enumType, message.FullName, file);
            }

            AddExtensions(message.Extensions.UnorderedExtensions, file);
        }

        // Enum values are scoped like protoc scopes them: as siblings of their enum, in its parent.
        private void AddEnum(EnumDescriptor enumType, string scope, FileDescriptor file)
        {
            AddSymbol(enumType.FullName, file);
            foreach (var value in enumType.Values)
            {
                AddSymbol(scope.Length == 0 ? value.Name : scope + "." + value.Name, file);
            }
        }

        private void AddExtensions(IEnumerable<FieldDescriptor> extensions, FileDescriptor file)
        {
            foreach (var extension in extensions)
            {
                AddSymbol(extension.FullName, file);
                var extendee = extension.ExtendeeType.FullName;
                if (Extensions.TryAdd((extendee, extension.FieldNumber), file))
                {
                    if (!ExtensionNumbers.TryGetValue(extendee, out var numbers))
                    {
                        numbers = [];
                        ExtensionNumbers[extendee] = numbers;
                    }

                    numbers.Add(extension.FieldNumber);
                }
            }
        }

        // The first declaration of a name wins (protoc rejects duplicates within one pool anyway).
        private void AddSymbol(string name, FileDescriptor file) => Symbols.TryAdd(name, file);
    }
}
