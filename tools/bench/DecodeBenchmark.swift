import ArgumentParser
import Foundation
import KvotaCore
import KvotaHistory

/// `kvota-bench decode`: canonical bytes -> RecordedEvent, in memory, no database (for profiling).
struct DecodeBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decode rate of canonical event bytes into Swift values, in memory.")

    @Option(help: "Events to decode.") var events = 100_000
    @Option(help: "Times to decode them all (for profiling).") var repeats = 1

    func run() throws {
        let bodies = (0..<(events / 1000)).flatMap { RealisticEvents.batch($0, size: 1000) }.enumerated().map {
            index, event in
            var meta = event.meta
            meta.recordedAt = Timestamp(microsecondsSinceEpoch: 1_750_000_000_000_000)
            return RecordedEvent(
                eventId: event.eventId, stream: event.stream, version: 0, position: Int64(index), type: event.type,
                data: event.data, meta: meta
            ).canonicalBytes
        }
        let start = ContinuousClock.now
        var checksum: Int64 = 0
        for _ in 0..<repeats {
            for body in bodies {
                let event = try body.withUnsafeBufferPointer { try RecordedEvent(canonicalBytes: $0) }
                checksum &+= event.position
            }
        }
        let seconds = start.seconds
        print(
            String(
                format: "decoded %d events (%d bytes avg) in %.3f s = %.0f events/s (checksum %lld)",
                bodies.count * repeats, bodies.map(\.count).reduce(0, +) / bodies.count, seconds,
                Double(bodies.count * repeats) / seconds, checksum))
    }
}

/// `kvota-bench decide`: the quota rules alone, in memory: parse, decide and evolve each event of a
/// synthetic history (for profiling the rules' part of an append).
struct DecideBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide", abstract: "Rate of the quota rules (parse, decide, evolve) in memory.")

    @Option(help: "Events of the synthetic history.") var events = 200_000

    func run() throws {
        let history = LargeHistory.events(count: events)
        var policy = QuotaPolicy(state: QuotaState(), recordedAt: Timestamp(microsecondsSinceEpoch: 0))
        let start = ContinuousClock.now
        for (position, item) in history.enumerated() {
            let event = item.stamped
            if let refusal = policy.verdict(on: event, version: 0) { throw BenchError("event \(position): \(refusal)") }
            policy.apply(
                RecordedEvent(
                    eventId: event.eventId, stream: event.stream, version: 0, position: Int64(position),
                    type: event.type,
                    data: event.data, meta: event.meta))
        }
        let seconds = start.seconds
        print(
            String(
                format: "decided %d events in %.3f s = %.0f events/s", history.count, seconds,
                Double(history.count) / seconds))
    }
}
