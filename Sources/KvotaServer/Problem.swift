import Foundation
import Hummingbird
import KvotaCore

/// An RFC 9457 `application/problem+json` answer with a stable `code` (README lists them). Thrown by
/// handlers; ``RequestMiddleware`` turns it into the response and adds the request id.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var detail: String
    var field: String?
    var headers: HTTPFields = [:]

    init(status: HTTPResponse.Status, code: String, detail: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field
    }

    /// A query parameter that cannot be used.
    static func invalidParameter(_ name: String, _ rule: String) -> Problem {
        Problem(status: .badRequest, code: "invalid-parameter", detail: "\(name) \(rule)", field: name)
    }

    func response(requestId: String?) -> Response {
        var members: [JSONObject.Member] = [
            .init("type", .string("https://kvota.kz/problems/\(code)")), .init("title", .string(status.reasonPhrase)),
            .init("status", .int(Int64(status.code))), .init("code", .string(code)), .init("detail", .string(detail)),
        ]
        if let field { members.append(.init("field", .string(field))) }
        if let requestId { members.append(.init("requestId", .string(requestId))) }
        var response = Response.json(
            status: status, CanonicalJSON.encode(.object(JSONObject(members))), contentType: "application/problem+json")
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension Response {
    static func json(status: HTTPResponse.Status, _ text: String, contentType: String = "application/json") -> Response
    {
        json(status: status, Array(text.utf8), contentType: contentType)
    }

    static func json(status: HTTPResponse.Status, _ bytes: [UInt8], contentType: String = "application/json")
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType, .contentLength: String(bytes.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func json(_ value: JSONValue) -> Response { json(status: .ok, CanonicalJSON.encode(value)) }
}
