import Foundation
import KvotaCore
import Testing

@testable import KvotaStore

@Suite("Concurrent appenders and readers")
struct ConcurrencyTests {
    /// Checks the log's shape: dense positions from 0, each eventId once, per-stream versions 0,1,2,...
    static func expectWellFormed(_ entries: [LogEntry]) {
        #expect(entries.map(\.position) == Array(0..<Int64(entries.count)))
        #expect(Set(entries.map(\.event.eventId)).count == entries.count)
        var versions: [String: [Int64]] = [:]
        for entry in entries { versions[entry.event.stream, default: []].append(entry.event.version) }
        for (stream, list) in versions {
            #expect(list == Array(0..<Int64(list.count)), "stream \(stream) has versions \(list)")
        }
        let times = entries.map(\.event.recordedAt)
        #expect(times == times.sorted())
    }

    @Test("many tasks, several stores on one database: dense positions, correct versions, every event once")
    func concurrentAppenders() async throws {
        let first = try await TestDatabase.store()
        // A second store on the same database stands in for a second kvotad process: its own pool and writer.
        let second = try EventStore(configuration: first.configuration, logger: TestDatabase.logger)
        defer {
            first.shutdown()
            second.shutdown()
        }
        let writers = 8
        let rounds = 25
        let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                let store = writer % 2 == 0 ? first : second
                group.addTask {
                    var count = 0
                    for round in 0..<rounds {
                        // A stream of its own with exact versions, plus a shared stream with `any`.
                        let own = "permit-w\(writer)"
                        let statuses = try await store.append([
                            Fixture.permit(own, expected: round == 0 ? .noStream : .exact(Int64(round - 1))),
                            Fixture.permit("permit-shared"), Fixture.quota(Int64(round)),
                        ])
                        #expect(statuses.allSatisfy { $0.isAccepted }, "writer \(writer) round \(round): \(statuses)")
                        count += statuses.filter(\.isAccepted).count
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let entries = try await readAll(first)
        #expect(entries.count == writers * rounds * 3)
        #expect(accepted == entries.count)
        ConcurrencyTests.expectWellFormed(entries)
    }

    @Test("writers racing for the same stream version: exactly one wins, the others get a version conflict")
    func racingSameVersion() async throws {
        let first = try await TestDatabase.store()
        let second = try EventStore(configuration: first.configuration, logger: TestDatabase.logger)
        defer {
            first.shutdown()
            second.shutdown()
        }
        for round in 0..<10 {
            let expected: ExpectedVersion = round == 0 ? .noStream : .exact(Int64(round - 1))
            let statuses = try await withThrowingTaskGroup(of: AppendStatus.self) { group in
                for racer in 0..<6 {
                    let store = racer % 2 == 0 ? first : second
                    group.addTask { try await store.append([Fixture.permit("permit-race", expected: expected)])[0] }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter(\.isAccepted).count == 1, "round \(round): \(statuses)")
            #expect(statuses.filter { $0.conflictCode == "version" }.count == 5)
        }
        let entries = try await readAll(first)
        #expect(entries.map(\.event.version) == Array(0..<10))
    }

    @Test("a reader tailing the log during concurrent appends sees every event exactly once, in order")
    func tailingReader() async throws {
        let store = try await TestDatabase.store()
        let writerStore = try EventStore(configuration: store.configuration, logger: TestDatabase.logger)
        defer {
            store.shutdown()
            writerStore.shutdown()
        }
        let total = 4 * 30 * 5
        let reader = Task {
            var seen: [LogEntry] = []
            for try await entry in store.follow(pageSize: 7) {
                seen.append(entry)
                if seen.count == total { break }
            }
            return seen
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for _ in 0..<30 {
                        let batch = (0..<5).map { _ in Fixture.permit("permit-tail-\(writer)") }
                        _ = try await (writer % 2 == 0 ? store : writerStore).append(batch)
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = try await reader.value
        #expect(seen.count == total)
        ConcurrencyTests.expectWellFormed(seen)
    }
}
