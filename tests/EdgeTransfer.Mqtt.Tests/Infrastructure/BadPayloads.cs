using System.Text;
using EdgeTransfer.Mqtt.Commands;

namespace EdgeTransfer.Mqtt.Tests.Infrastructure;

/// <summary>The catalogue of bad requests (more than 20 kinds) that unit and broker tests both send.</summary>
public static class BadPayloads
{
    private static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    private static string V(string body) => "{\"schema\":\"edgetransfer/v1\"" + (body.Length > 0 ? "," + body : "") + "}";

    public static IReadOnlyList<BadPayload> All { get; } =
    [
        new("invalid JSON", "train", U("{\"schema\":"), CommandErrorCodes.InvalidJson, "not valid JSON"),
        new("trailing garbage", "train", U(V("") + " x"), CommandErrorCodes.InvalidJson, "not valid JSON"),
        new("wrong type (text for number)", "train", U(V("\"epochs\":\"ten\"")), CommandErrorCodes.WrongType, "epochs"),
        new("fraction for whole number", "train", U(V("\"epochs\":2.5")), CommandErrorCodes.WrongType, "epochs"),
        new("huge number", "train", U(V("\"epochs\":99999999999999999999999")), CommandErrorCodes.OutOfRange, "epochs"),
        new("negative epochs", "train", U(V("\"epochs\":-5")), CommandErrorCodes.OutOfRange, "epochs"),
        new("zero batch size", "train", U(V("\"batchSize\":0")), CommandErrorCodes.OutOfRange, "batchSize"),
        new("NaN literal", "train", U(V("\"learningRate\":NaN")), CommandErrorCodes.InvalidJson, "not valid JSON"),
        new("NaN as text", "train", U(V("\"learningRate\":\"NaN\"")), CommandErrorCodes.WrongType, "learningRate"),
        new("number beyond double", "train", U(V("\"learningRate\":1e400")), CommandErrorCodes.OutOfRange, "learningRate"),
        new("negative epoch time", "train", U(V("\"ts\":-1")), CommandErrorCodes.WrongType, "ts"),
        new("time before 2000", "train", U(V("\"ts\":\"1969-12-31T23:59:59Z\"")), CommandErrorCodes.OutOfRange, "ts"),
        new("path traversal in label", "label", U(V("\"label\":\"../../etc/passwd\"")), CommandErrorCodes.InvalidValue, "label"),
        new("path traversal in deployment id", "deploy-chunk", U(V("\"deploymentId\":\"..\",\"index\":0,\"data\":\"AA==\"")), CommandErrorCodes.InvalidValue, "deploymentId"),
        new("chunk index 2^31", "deploy-chunk", U(V("\"deploymentId\":\"dep-1\",\"index\":2147483648,\"data\":\"AA\"")), CommandErrorCodes.OutOfRange, "from 0 to 2147483647"),
        new("chunk index beyond 64 bits", "deploy-chunk", U(V("\"deploymentId\":\"dep-1\",\"index\":99999999999999999999,\"data\":\"AA\"")), CommandErrorCodes.OutOfRange, "index: expected a whole number at most"),
        new("path traversal in command name", "..", U(V("")), CommandErrorCodes.UnknownCommand, "not a command topic"),
        new("10 MB payload", "label", new byte[10 * 1024 * 1024], CommandErrorCodes.PayloadTooLarge, "bytes"),
        new("unknown command", "selfdestruct", U(V("")), CommandErrorCodes.UnknownCommand, "selfdestruct"),
        new("wrong schema version", "status", U("{\"schema\":\"edgetransfer/v2\"}"), CommandErrorCodes.UnsupportedSchema, "schema"),
        new("missing schema", "status", U("{}"), CommandErrorCodes.MissingField, "schema"),
        new("missing required field", "label", U(V("")), CommandErrorCodes.MissingField, "label"),
        new("null for required field", "label", U(V("\"label\":null")), CommandErrorCodes.WrongType, "label"),
        new("unknown field", "train", U(V("\"epochz\":3")), CommandErrorCodes.UnknownField, "epochz"),
        new("duplicate keys", "train", U(V("\"epochs\":3,\"epochs\":400")), CommandErrorCodes.DuplicateKey, "epochs"),
        new("deeply nested JSON", "config", U(V("\"set\":{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}")), CommandErrorCodes.TooDeep, "deeper"),
        new("empty payload", "status", [], CommandErrorCodes.EmptyPayload, "empty"),
        new("non-UTF-8 bytes", "label", [.. U("{\"schema\":\"edgetransfer/v1\",\"label\":\""), 0xC3, 0x28, 0xFF, .. U("\"}")], CommandErrorCodes.NotUtf8, "UTF-8"),
        new("array instead of object", "status", U("[1,2]"), CommandErrorCodes.WrongType, "object"),
        new("unknown enum value", "collect", U(V("\"action\":\"explode\"")), CommandErrorCodes.InvalidValue, "action"),
        new("config key not on allow-list", "config", U(V("\"set\":{\"mqtt.host\":\"evil\"}")), CommandErrorCodes.ConfigKeyNotAllowed, "mqtt.host"),
        new("config value out of range", "config", U(V("\"set\":{\"inspection.threshold\":7}")), CommandErrorCodes.OutOfRange, "inspection.threshold"),
        new("wrong content type", "status", U(V("")), CommandErrorCodes.WrongContentType, "text/plain") { ContentType = "text/plain" },
        new("missing correlation data", "status", U(V("")), CommandErrorCodes.MissingCorrelationData, "correlation") { NoCorrelation = true },
        new("oversized correlation data", "status", U(V("")), CommandErrorCodes.MissingCorrelationData, "correlation") { CorrelationBytes = 200 },
        new("missing response topic", "status", U(V("")), CommandErrorCodes.MissingResponseTopic, "response topic") { ResponseTopic = "" },
        new("response topic of another device", "status", U(V("")), CommandErrorCodes.InvalidResponseTopic, "response topic") { ResponseTopic = "edgetransfer/v1/plant1/d2/reply/status" },
    ];
}
