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

        // The same work in its parts: the typed read alone, then decide and evolve on typed events.
        let parsing = ContinuousClock.now
        var typed: [(DomainEvent, DecisionContext)] = []
        typed.reserveCapacity(history.count)
        for item in history {
            let event = item.stamped
            let domain = try DomainEvent(stream: event.stream, type: event.type, data: event.data)
            typed.append((domain, DecisionContext(meta: event.meta, recordedAt: event.meta.recordedAt!)))
        }
        let parseSeconds = parsing.seconds
        var state = QuotaState()
        let deciding = ContinuousClock.now
        for (position, (domain, context)) in typed.enumerated() {
            if let refusal = state.decide(domain, context: context) {
                throw BenchError("event \(position): \(refusal)")
            }
            state.evolve(domain, position: Int64(position))
        }
        let decideSeconds = deciding.seconds
        var folded = QuotaState()
        let evolving = ContinuousClock.now
        for (position, (domain, _)) in typed.enumerated() { folded.evolve(domain, position: Int64(position)) }
        let evolveSeconds = evolving.seconds
        var byType: [String: (count: Int, seconds: Double)] = [:]
        var timed = QuotaState()
        for (position, (domain, _)) in typed.enumerated() {
            let one = ContinuousClock.now
            timed.evolve(domain, position: Int64(position))
            let elapsed = one.seconds
            let name = "\(domain)".prefix { $0 != "(" }
            byType[String(name), default: (0, 0)].count += 1
            byType[String(name), default: (0, 0)].seconds += elapsed
        }
        for (name, entry) in byType.sorted(by: { $0.value.seconds > $1.value.seconds }) {
            print(
                String(
                    format: "    evolve %@: %d events, %.3f s, %.2f us each", name, entry.count, entry.seconds,
                    entry.seconds * 1e6 / Double(entry.count)))
        }
        print(
            "  sizes: PermitRecord \(MemoryLayout<PermitRecord>.size), ApplicationRecord "
                + "\(MemoryLayout<ApplicationRecord>.size), DomainEvent \(MemoryLayout<DomainEvent>.size) bytes")
        for (name, part) in [
            ("typed read", parseSeconds), ("decide + evolve", decideSeconds), ("evolve", evolveSeconds),
        ] {
            print(
                String(
                    format: "  %@: %.3f s = %.2f us/event", name, part, part * 1e6 / Double(history.count)))
        }
    }
}
