import ArgumentParser
import Foundation
import KvotaAudit
import KvotaCore
import KvotaHistory

/// `kvota-bench verify`: `LogVerifier` over a LargeHistory log held in memory as the bulk export
/// sends it (each event's stored canonical bytes and a newline), beside SHA-256 leaf hashing alone
/// over the same bytes, in the same run.
struct VerifyBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Rate of the audit verifier (bytes, leaf hashes, root, replay, invariants) from memory.")

    @Option(help: "Events of the synthetic history (LargeHistory).") var events = 1_000_000
    @Option(help: "Bytes handed to the verifier per call, as a download or a file read would.")
    var chunkBytes = 4 << 20
    @Option(
        help: "The import source marked in each event's meta, as the operator's import path stores it; empty for none.")
    var importSource = "bench"
    @Flag(help: "Verify the 2025 demo history instead (as `kvotad serve --demo` stores it).") var history2025 = false

    func run() throws {
        let started = ContinuousClock.now
        let export =
            history2025
            ? VerifyBenchmark.export(History2025.events(), source: "kvota-history-2025")
            : VerifyBenchmark.export(LargeHistory.events(count: events), source: importSource)
        let lines = export.lines
        print(
            String(
                format: "built %d events, %d bytes (%.0f avg) in %.1f s", lines.count, export.bytes.count,
                Double(export.bytes.count - lines.count) / Double(max(1, lines.count)), started.seconds))

        // Baseline: the leaf hashes alone, one core.
        let hashing = ContinuousClock.now
        var frontier = MerkleFrontier()
        export.bytes.withUnsafeBufferPointer { buffer in
            for line in lines { frontier.append(TreeHash.leaf(Array(buffer[line]))) }
        }
        let hashSeconds = hashing.seconds

        let verifying = ContinuousClock.now
        let cpuBefore = VerifyBenchmark.cpuSeconds()
        var verifier = LogVerifier()
        verifier.expect(root: frontier.root, atSize: frontier.size)
        for start in stride(from: 0, to: export.bytes.count, by: chunkBytes) {
            verifier.append(export: export.bytes[start..<min(start + chunkBytes, export.bytes.count)])
        }
        let report = verifier.finish()
        let verifySeconds = verifying.seconds
        let cpu = VerifyBenchmark.cpuSeconds() - cpuBefore
        if let failure = report.failure { throw BenchError("the log does not verify: \(failure)") }

        let cores = ProcessInfo.processInfo.activeProcessorCount
        var table = ResultTable()
        table.add(
            "LogVerifier: bytes, leaves, root, replay, invariants (\(cores) cores)", events: lines.count,
            seconds: verifySeconds)
        table.add(
            "SHA-256 leaf hashes and root alone (1 core)", events: lines.count, seconds: hashSeconds, baseline: true)
        table.print()
        print(String(format: "verifier CPU time: %.2f s (%.2f cores busy on average)", cpu, cpu / verifySeconds))
        print("\(report.size) events, \(report.streams) streams, root \(report.root.hex) (the leaf hashes' root)")
    }

    /// User and system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The events as the store holds them (positions, versions, recordedAt, the import mark), joined
    /// as the export sends them; with each line's byte range.
    static func export(_ history: [HistoricalEvent], source: String) -> (bytes: [UInt8], lines: [Range<Int>]) {
        var versions: [String: Int64] = [:]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(history.count * 640)
        var lines: [Range<Int>] = []
        lines.reserveCapacity(history.count)
        for (position, item) in history.enumerated() {
            var meta = item.stamped.meta
            if !source.isEmpty { meta.extra["import"] = .object(["source": .string(source)]) }
            let version = versions[item.event.stream, default: -1] + 1
            versions[item.event.stream] = version
            let event = RecordedEvent(
                eventId: item.event.eventId, stream: item.event.stream, version: version, position: Int64(position),
                type: item.event.type, data: item.event.data, meta: meta)
            let start = bytes.count
            bytes.append(contentsOf: event.canonicalBytes)
            lines.append(start..<bytes.count)
            bytes.append(UInt8(ascii: "\n"))
        }
        return (bytes, lines)
    }
}
