import Foundation

/// The answer to a push (contract, Push): one result per item, in request order, and the log's head.
public struct PushResponse: Sendable, Hashable {
    public struct Result: Sendable, Hashable {
        /// The item's eventId as it was sent (nil when the item had none that was a string).
        public var eventId: String?
        public var status: AppendStatus

        public init(eventId: String?, status: AppendStatus) {
            self.eventId = eventId
            self.status = status
        }
    }

    public var results: [Result]
    public var head: Int64

    public init(results: [Result], head: Int64) {
        self.results = results
        self.head = head
    }

    /// The response body.
    public var json: JSONValue {
        .object(["results": .array(results.map { Self.json($0) }), "head": .int(head)])
    }

    static func json(_ result: Result) -> JSONValue {
        var members: [JSONObject.Member] = [.init("eventId", result.eventId.map(JSONValue.string) ?? .null)]
        switch result.status {
        case .accepted(let position, let version):
            members += [
                .init("status", "accepted"), .init("position", .int(position)), .init("version", .int(version)),
            ]
        case .duplicate(let position, let version):
            members += [
                .init("status", "duplicate"), .init("position", .int(position)), .init("version", .int(version)),
            ]
        case .rejected(let rejection):
            members += [
                .init("status", "rejected"), .init("code", .string(rejection.code)),
                .init("message", .string(rejection.message)),
            ]
            if let field = rejection.field { members.append(.init("field", .string(field))) }
        case .blocked(let cause):
            members += [.init("status", "blocked"), .init("blockedBy", .string(cause.lowercased))]
        case .conflict(let conflict):
            members += [
                .init("status", "conflict"), .init("code", .string(conflict.code)),
                .init("message", .string(conflict.message)), .init("current", .object(conflict.current)),
            ]
        }
        return .object(JSONObject(members))
    }

    /// Reads a response body (the client's side).
    public init(json value: JSONValue) throws(EnvelopeError) {
        guard case .object(let object) = value, case .array(let items)? = object["results"],
            let head = object["head"]?.intValue
        else { throw EnvelopeError(field: "results", message: "a push response has results and head") }
        var results: [Result] = []
        for (index, item) in items.enumerated() {
            func fail(_ message: String) -> EnvelopeError {
                EnvelopeError(field: "results[\(index)]", message: message)
            }
            guard case .object(let result) = item, case .string(let status)? = result["status"] else {
                throw fail("must be an object with a status")
            }
            let position = result["position"]?.intValue
            let version = result["version"]?.intValue
            let code = result["code"]?.stringValue ?? ""
            let message = result["message"]?.stringValue ?? ""
            let decoded: AppendStatus
            switch status {
            case "accepted", "duplicate":
                guard let position else { throw fail("\(status) needs a position") }
                decoded =
                    status == "accepted"
                    ? .accepted(position: position, version: version ?? -1)
                    : .duplicate(position: position, version: version ?? -1)
            case "rejected":
                decoded = .rejected(Rejection(code: code, message: message, field: result["field"]?.stringValue))
            case "blocked":
                guard let text = result["blockedBy"]?.stringValue, let cause = UUID(text: text) else {
                    throw fail("blocked needs blockedBy")
                }
                decoded = .blocked(by: cause)
            case "conflict":
                decoded = .conflict(
                    Conflict(code: code, message: message, current: result["current"]?.objectValue ?? JSONObject()))
            default:
                throw fail("unknown status \(status)")
            }
            results.append(Result(eventId: result["eventId"]?.stringValue, status: decoded))
        }
        self.init(results: results, head: head)
    }
}
