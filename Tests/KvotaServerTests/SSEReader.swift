import AsyncHTTPClient
import Foundation
import NIOCore

/// Reads a Server-Sent Events stream over real HTTP: messages with their `id` and `data`.
final class SSEReader: Sendable {
    struct Message: Sendable {
        var id: Int64?
        var data: String
    }

    private let task: Task<Void, Never>
    private let messages: AsyncThrowingStream<Message, any Error>

    private init(task: Task<Void, Never>, messages: AsyncThrowingStream<Message, any Error>) {
        self.task = task
        self.messages = messages
    }

    static func open(_ url: String, token: String, lastEventId: Int64? = nil) async throws -> SSEReader {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventId { request.headers.add(name: "Last-Event-ID", value: String(lastEventId)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .hours(1))
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        ResponseLog.record(
            method: "GET", path: String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" }),
            answer: HTTPAnswer(status: Int(response.status.code), headers: fields, body: []))
        guard response.status == .ok, response.headers.first(name: "content-type") == "text/event-stream" else {
            throw TestServerError(message: "live feed answered \(response.status)")
        }
        let (messages, continuation) = AsyncThrowingStream.makeStream(of: Message.self)
        let task = Task {
            var pending = ""
            var id: Int64?
            var data: [String] = []
            do {
                for try await buffer in response.body {
                    pending += String(buffer: buffer)
                    while let newline = pending.firstIndex(of: "\n") {
                        let line = String(pending[..<newline])
                        pending = String(pending[pending.index(after: newline)...])
                        if line.isEmpty {
                            if !data.isEmpty { continuation.yield(Message(id: id, data: data.joined(separator: "\n"))) }
                            id = nil
                            data = []
                        } else if line.hasPrefix("id: ") {
                            id = Int64(line.dropFirst(4))
                        } else if line.hasPrefix("data: ") {
                            data.append(String(line.dropFirst(6)))
                        }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        return SSEReader(task: task, messages: messages)
    }

    /// The next message; fails after `timeout`.
    func next(timeout: Duration = .seconds(10)) async throws -> Message {
        let messages = self.messages
        return try await withThrowingTaskGroup(of: Message?.self) { group in
            group.addTask {
                var iterator = messages.makeAsyncIterator()
                return try await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let message = first else {
                throw TestServerError(message: "no live message within \(timeout)")
            }
            return message
        }
    }

    func close() { task.cancel() }
}
