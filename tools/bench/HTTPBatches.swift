import Foundation
import KvotaCore
import KvotaHistory

/// A pushable batch: the events of one writer (a token), in an order that keeps the history valid.
struct WriterBatch {
    /// `ministry` or a region code (`KZ-75`).
    var writer: String
    var events: [ProposedEvent]
}

/// Regroups a history (in recording order) into batches of one writer each, since a push carries the
/// events of one token: the ministry's, or one region's. Each writer's events are buffered; a buffer
/// is pushed when it is full, or earlier when another writer's next event depends on it: the same
/// stream (a reallocation request and its answer on a quota stream), or, for a region, quota
/// decisions (ceilings, allocations) still waiting in the ministry's buffer. So every batch only
/// depends on batches before it, and most are full. The server's expiries (role `system`) cannot be
/// pushed by any token and are left out (the ceilings are large enough that the units they would
/// free are never needed).
struct WriterRegrouper {
    let batchSize: Int
    private var buffers: [String: [ProposedEvent]] = [:]
    /// The writer whose buffer holds a stream's latest unpushed event.
    private var holder: [String: String] = [:]
    private var ministryHoldsQuota = false
    private(set) var batches: [WriterBatch] = []
    private(set) var skipped = 0

    init(batchSize: Int) { self.batchSize = batchSize }

    static func writer(of event: ProposedEvent) -> String? {
        switch event.meta.role {
        case "ministry": return "ministry"
        case "region": return event.meta.region
        default: return nil
        }
    }

    /// Adds the next event of the history; false when it cannot be pushed (skipped).
    @discardableResult
    mutating func add(_ event: ProposedEvent) -> Bool {
        guard let writer = WriterRegrouper.writer(of: event) else {
            skipped += 1
            return false
        }
        if let other = holder[event.stream], other != writer { flush(other) }
        if writer != "ministry" && ministryHoldsQuota { flush("ministry") }
        buffers[writer, default: []].append(event)
        holder[event.stream] = writer
        if writer == "ministry" && event.stream.hasPrefix("quota-") { ministryHoldsQuota = true }
        if buffers[writer]!.count >= batchSize { flush(writer) }
        return true
    }

    /// Pushes what is left, writer by writer (no buffer depends on another's, see above).
    mutating func finish() {
        for writer in buffers.keys.sorted() { flush(writer) }
    }

    private mutating func flush(_ writer: String) {
        guard let events = buffers[writer], !events.isEmpty else { return }
        batches.append(WriterBatch(writer: writer, events: events))
        for event in events where holder[event.stream] == writer { holder[event.stream] = nil }
        buffers[writer] = []
        if writer == "ministry" { ministryHoldsQuota = false }
    }
}

extension WriterBatch {
    /// The push items as a device sends them: the server sets `meta` from the token.
    var items: [PushItem] {
        events.map { event in
            PushItem(
                eventId: event.eventId, stream: event.stream, expectedVersion: event.expectedVersion, type: event.type,
                data: event.data, occurredAt: event.meta.occurredAt, causationId: event.meta.causationId)
        }
    }
}

/// Reads a push response without decoding it: how many results are `accepted`.
enum PushAnswer {
    static let accepted = Array(#""status":"accepted""#.utf8)

    static func acceptedCount(_ body: UnsafeRawBufferPointer) -> Int {
        count(of: accepted, in: body)
    }

    static func count(of pattern: [UInt8], in body: UnsafeRawBufferPointer) -> Int {
        guard body.count >= pattern.count else { return 0 }
        var found = 0
        var index = 0
        let last = body.count - pattern.count
        let first = pattern[0]
        while index <= last {
            if body[index] == first {
                var match = true
                for offset in 1..<pattern.count where body[index + offset] != pattern[offset] {
                    match = false
                    break
                }
                if match {
                    found += 1
                    index += pattern.count
                    continue
                }
            }
            index += 1
        }
        return found
    }

    /// The first result that is not `accepted`, as the server wrote it (for the report).
    static func firstRefusal(_ bytes: [UInt8]) -> String {
        guard let value = try? JSONParser.parse(bytes), let response = try? PushResponse(json: value) else {
            return String(decoding: bytes.prefix(500), as: UTF8.self)
        }
        for result in response.results {
            if case .accepted = result.status { continue }
            return "\(result.eventId ?? "?"): \(result.status)"
        }
        return "none"
    }
}

/// Reads a pull page without decoding its events: checks that positions follow one another (dense,
/// from `expected`) and returns the page's `next` and `head`.
enum PullPage {
    static let position = Array(#""position":"#.utf8)
    static let nextKey = Array(#"],"next":"#.utf8)

    /// Counts the events (each envelope has one `"position":`), checking each is `expected + 1`.
    static func check(_ body: UnsafeRawBufferPointer, after expected: inout Int64) throws -> (
        count: Int, next: Int64, head: Int64
    ) {
        let pattern = position
        var count = 0
        var index = 0
        let last = body.count - pattern.count
        while index <= last {
            if body[index] == 0x22 && body[index + 1] == 0x70 {  // "p
                var match = true
                for offset in 2..<pattern.count where body[index + offset] != pattern[offset] {
                    match = false
                    break
                }
                if match {
                    index += pattern.count
                    var value: Int64 = 0
                    while index < body.count, body[index] >= 0x30, body[index] <= 0x39 {
                        value = value * 10 + Int64(body[index] - 0x30)
                        index += 1
                    }
                    guard value == expected + 1 else {
                        throw BenchError("pull: position \(value) after \(expected): positions are not dense")
                    }
                    expected = value
                    count += 1
                    continue
                }
            }
            index += 1
        }
        // The tail: `],"next":N,"head":M}`.
        let tail = String(decoding: UnsafeRawBufferPointer(rebasing: body[max(0, body.count - 80)...]), as: UTF8.self)
        guard let range = tail.range(of: #"],"next":"#, options: .backwards) else {
            throw BenchError("pull: no next in \(tail)")
        }
        let numbers = tail[range.upperBound...].split(whereSeparator: { !$0.isNumber && $0 != "-" }).compactMap {
            Int64($0)
        }
        guard numbers.count == 2 else { throw BenchError("pull: cannot read next and head in \(tail)") }
        return (count, numbers[0], numbers[1])
    }
}
