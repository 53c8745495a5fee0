using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1;

namespace Subscriptions.Grpc.Transport.Reflection;

/// <summary>Answers the requests of one reflection stream; dependencies already sent on the stream are not sent again.</summary>
internal sealed class ReflectionSession(DescriptorIndex index)
{
    private readonly HashSet<string> _sentFiles = new(StringComparer.Ordinal);

    /// <summary>The response to one request, an error_response when it cannot be answered.</summary>
    public ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                response.ListServicesResponse = new ListServiceResponse();
                response.ListServicesResponse.Service.AddRange(index.ServiceNames.Select(name => new ServiceResponse { Name = name }));
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFiles(response, index.FindFile(request.FileByFilename), $"file \"{request.FileByFilename}\" is not known");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFiles(response, index.FindFileContainingSymbol(request.FileContainingSymbol), $"symbol \"{request.FileContainingSymbol}\" is not known");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingExtension:
                var extension = request.FileContainingExtension;
                SetFiles(
                    response,
                    index.FindFileContainingExtension(extension.ContainingType, extension.ExtensionNumber),
                    $"extension {extension.ExtensionNumber} of \"{extension.ContainingType}\" is not known");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.AllExtensionNumbersOfType:
                var type = request.AllExtensionNumbersOfType;
                if (index.ExtensionNumbersOf(type) is { } numbers)
                {
                    response.AllExtensionNumbersResponse = new ExtensionNumberResponse { BaseTypeName = type };
                    response.AllExtensionNumbersResponse.ExtensionNumber.AddRange(numbers);
                }
                else
                {
                    SetError(response, StatusCode.NotFound, $"message type \"{type}\" is not known");
                }

                break;
            default:
                SetError(response, StatusCode.InvalidArgument, "the request sets none of file_by_filename, file_containing_symbol, file_containing_extension, all_extension_numbers_of_type, list_services");
                break;
        }

        return response;
    }

    private void SetFiles(ServerReflectionResponse response, FileDescriptor? file, string notFound)
    {
        if (file is null)
        {
            SetError(response, StatusCode.NotFound, notFound);
            return;
        }

        response.FileDescriptorResponse = new FileDescriptorResponse();
        // The requested file is always sent, so that a client never receives an empty answer; dependencies only once per stream.
        foreach (var candidate in DescriptorIndex.WithDependencies(file))
        {
            var firstTime = _sentFiles.Add(candidate.Name);
            if (firstTime || candidate == file)
            {
                response.FileDescriptorResponse.FileDescriptorProto.Add(candidate.SerializedData);
            }
        }
    }

    private static void SetError(ServerReflectionResponse response, StatusCode code, string message) =>
        response.ErrorResponse = new ErrorResponse { ErrorCode = (int)code, ErrorMessage = message };
}
