import Foundation
import Hummingbird
import KvotaCore

/// An RFC 9457 `application/problem+json` answer with a stable `code`.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var detail: String

    var response: Response {
        let body: JSONValue = [
            "type": .string("https://kvota.kz/problems/\(code)"), "title": .string(status.reasonPhrase),
            "status": .int(Int64(status.code)), "code": .string(code), "detail": .string(detail),
        ]
        return Response.json(status: status, CanonicalJSON.string(body), contentType: "application/problem+json")
    }
}

extension Response {
    static func json(status: HTTPResponse.Status, _ text: String, contentType: String = "application/json") -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
