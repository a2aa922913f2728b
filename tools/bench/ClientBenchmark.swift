import ArgumentParser
import AsyncHTTPClient
import Foundation
import KvotaCore
import KvotaHistory
import KvotaStore
import Logging
import NIOCore

/// `kvota-bench client`: the `kvota` binary against a real `kvotad serve` on a private cluster: pulling a
/// large log into the journal (beside a bare HTTP pull of the same pages), importing a CSV of
/// applications, and syncing them (beside bare HTTP pushes of as many events); the client's peak memory.
struct ClientBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "kvota import / sync / pull into the journal, with HTTP baselines.")

    @Option(help: "Events in the log the ministry profile pulls (LargeHistory, imported in-process first).")
    var pullEvents = 1_000_000
    @Option(help: "Rows of the applications CSV imported and then synced by a region profile.") var rows = 100_000
    @Option(help: "libpq URI of a server to use (a database per run is created); default: a private cluster.")
    var databaseURL: String?
    @Option(
        help: """
            Phases to run, comma-separated: pull (bare pull, kvota sync into the journal, one recording), \
            audit (verify online, export, verify from the bundle), import (the region's scope and the CSV), \
            sync (bare push, kvota sync of the imported rows; needs import).
            """)
    var phases = "pull,audit,import,sync"

    @Option(help: "Keep the work directory (the profiles' home under home/, the bundle under bundle/) at this path.")
    var keep: String?

    func run() async throws {
        let phases = Set(phases.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        for phase in phases where !["pull", "audit", "import", "sync"].contains(phase) {
            throw BenchError("unknown phase \(phase) (pull, audit, import, sync)")
        }
        if phases.contains("sync") && !phases.contains("import") {
            throw BenchError("the sync phase pushes what the import phase recorded: add import")
        }
        var logger = Logger(label: "kvota-bench")
        logger.logLevel = .warning
        let bin = BenchProcess.executableDirectory
        for tool in ["kvotad", "kvota"] where !FileManager.default.isExecutableFile(atPath: "\(bin)/\(tool)") {
            throw BenchError("no \(tool) at \(bin): build it (swift build -c release --product \(tool))")
        }
        let cluster = try BenchCluster(databaseURL: databaseURL)
        defer { cluster.stop() }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kvota-bench-client-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer {
            if let keep {
                try? FileManager.default.removeItem(atPath: keep)
                try? FileManager.default.moveItem(atPath: work, toPath: keep)
            } else {
                try? FileManager.default.removeItem(atPath: work)
            }
        }
        let url = try cluster.freshDatabase("bench_client")

        // The log to pull: LargeHistory, imported in-process (with the quota rules, as kvotad keeps it).
        print("importing \(pullEvents) events of LargeHistory into the server's database...")
        fflush(nil)
        let store = try EventStore(configuration: StoreConfiguration(databaseURL: url, rules: .quota), logger: logger)
        try await store.migrate()
        var imported = 0
        var lastYear: Int64 = 2025
        for batch in LargeHistory.batches(count: pullEvents, batchSize: 10_000) {
            let events = batch.map(\.stamped)
            for event in events { if let year = event.data["year"]?.intValue { lastYear = max(lastYear, year) } }
            let statuses = try await store.importHistory(events, source: "bench")
            if let refused = statuses.firstIndex(where: { !$0.isApplied }) {
                throw BenchError("the history did not import cleanly: item \(refused): \(statuses[refused])")
            }
            imported += events.count
        }
        store.shutdown()

        let environment = ["KVOTA_DATABASE_URL": url, "KVOTA_LOG_LEVEL": "warning", "KVOTA_EXPIRY_SWEEP_SECONDS": "0"]
        func token(_ name: String, _ role: String, _ region: String? = nil) throws -> String {
            var arguments = ["\(bin)/kvotad", "token", "create", "--name", name, "--role", role]
            if let region { arguments += ["--region", region] }
            let output = try BenchProcess.output(arguments, environment: environment, log: work + "/token.log")
            guard let token = output.split(separator: "\n").last.map(String.init) else { throw BenchError("no token") }
            return token
        }
        let ministryToken = try token("bench-ministry", "ministry")
        let auditorToken = try token("bench-auditor", "auditor")
        let regionToken = try token("bench-kz-75", "region", "KZ-75")
        guard let port = LoopbackPort.free() else { throw BenchError("no free loopback port") }
        let serverLog = work + "/kvotad.log"
        let server = try BenchProcess.start(
            ["\(bin)/kvotad", "serve"],
            environment: environment.merging(["KVOTA_HTTP_ADDRESS": "127.0.0.1:\(port)"]) { $1 },
            stdout: serverLog, stderr: serverLog)
        defer { kill(server, SIGKILL) }
        let base = "http://127.0.0.1:\(port)"
        let client = HTTPClient.shared
        try await HTTPBenchmark.waitReady(client, base, pid: server, log: serverLog)
        let home = work + "/home"
        let clientEnvironment = ["KVOTA_HOME": home]

        /// Runs `kvota` to its end; seconds and peak VmRSS (MB).
        func kvota(_ arguments: [String], _ label: String) throws -> (seconds: Double, peakMB: Int, output: String) {
            let log = "\(work)/\(label).log"
            let started = ContinuousClock.now
            let pid = try BenchProcess.start(
                ["\(bin)/kvota"] + arguments, environment: clientEnvironment, stdout: log + ".out", stderr: log)
            let sampler = MemorySampler(pid: pid)
            let status = BenchProcess.wait(pid)
            let seconds = started.seconds
            let peak = sampler.takePeak() / 1024
            sampler.stop()
            let output = (try? String(contentsOfFile: log + ".out", encoding: .utf8)) ?? ""
            guard status == 0 else {
                let errors = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw BenchError("kvota \(arguments.joined(separator: " ")) exited \(status): \(errors.suffix(1500))")
            }
            return (seconds, peak, output)
        }

        var table = ResultTable()
        if phases.contains("pull") {
            print("\npull of the whole log (\(imported) events), pages of 10,000:")
            fflush(nil)
            // Baseline: the same pages over bare HTTP, bodies dropped.
            let bareStart = ContinuousClock.now
            var after: Int64 = -1
            var bare = 0
            while true {
                let (status, body) = try await HTTPBenchmark.get(
                    client, "\(base)/v1/events?after=\(after)&limit=10000", token: ministryToken)
                guard status == 200, let page = try? JSONParser.parse(body.readableBytesView) else {
                    throw BenchError("pull answered \(status)")
                }
                let count = page["events"]?.arrayValue?.count ?? 0
                bare += count
                guard count > 0, let next = page["next"]?.intValue, let head = page["head"]?.intValue, next < head
                else {
                    break
                }
                after = next
            }
            table.add(
                "bare HTTP pull (AsyncHTTPClient, pages parsed, nothing kept)", events: bare,
                seconds: bareStart.seconds,
                baseline: true)
            _ = try kvota(
                ["init", "--server", base, "--token", ministryToken, "--device", "bench-m", "--profile", "ministry"],
                "init-m")
            let pulled = try kvota(["sync", "--profile", "ministry"], "pull")
            // One event recorded against the journal of the whole log (its state is replayed for the check).
            let one = try kvota(
                [
                    "employer", "bar", BIN.synthetic(999_999).description, "--profile", "ministry", "--from",
                    "\(lastYear)-01-01", "--until", "\(lastYear)-12-31", "--reason", "bench",
                ], "record-one")
            // A second one: the rules' state is now read from the one saved beside the journal.
            let again = try kvota(
                [
                    "employer", "bar", BIN.synthetic(999_998).description, "--profile", "ministry", "--from",
                    "\(lastYear)-01-01", "--until", "\(lastYear)-12-31", "--reason", "bench",
                ], "record-again")
            print(
                String(
                    format:
                        "  kvota employer bar (one event checked and recorded) against a journal of %d events: %.2f s, peak VmRSS %d MB (the log replayed, the state saved)",
                    imported,
                    one.seconds, one.peakMB))
            print(
                String(
                    format: "  the next kvota employer bar: %.2f s, peak VmRSS %d MB (from the saved state)",
                    again.seconds, again.peakMB))
            table.add("kvota sync: pull into the journal (checked, stored)", events: imported, seconds: pulled.seconds)
            table.printRatio(
                of: "kvota sync: pull into the journal (checked, stored)",
                to: "bare HTTP pull (AsyncHTTPClient, pages parsed, nothing kept)")
            print("  kvota peak VmRSS \(pulled.peakMB) MB")
        }

        // The audit: the whole log verified online (download, hashes, root, signature, replay through the
        // rules with the invariants at every prefix), then exported and verified from the bundle.
        if phases.contains("audit") {
            print("\naudit of the whole log (\(imported) events):")
            _ = try kvota(
                ["init", "--server", base, "--token", auditorToken, "--device", "bench-a", "--profile", "auditor"],
                "init-a"
            )
            let online = try kvota(["audit", "verify", "--profile", "auditor"], "verify-online")
            table.add(
                "kvota audit verify (online: download, hash, root, signature, replay)", events: imported,
                seconds: online.seconds)
            table.printRatio(
                of: "kvota audit verify (online: download, hash, root, signature, replay)",
                to: "bare HTTP pull (AsyncHTTPClient, pages parsed, nothing kept)")
            print(
                "  kvota peak VmRSS \(online.peakMB) MB; \(online.output.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
            let bundle = work + "/bundle"
            let export = try kvota(["audit", "export", bundle, "--profile", "auditor"], "export")
            table.add("kvota audit export (download to a bundle)", events: imported, seconds: export.seconds)
            let offline = try kvota(
                ["audit", "verify", "--from-bundle", bundle, "--profile", "auditor"], "verify-bundle")
            table.add(
                "kvota audit verify --from-bundle (hash, root, signature, replay)", events: imported,
                seconds: offline.seconds)
            print(
                "  kvota peak VmRSS \(offline.peakMB) MB; \(offline.output.trimmingCharacters(in: .whitespacesAndNewlines))"
            )

        }

        guard phases.contains("import") else { return }
        // The region: its scope pulled, then a CSV of applications imported and synced.
        _ = try kvota(
            ["init", "--server", base, "--token", regionToken, "--device", "bench-r", "--profile", "region"], "init-r")
        let scope = try kvota(["sync", "--profile", "region"], "pull-region")
        print(String(format: "\nregion KZ-75: its scope pulled in %.2f s", scope.seconds))
        // Applications of this year, their vacancies posted on 5 January (filing needs a posted vacancy).
        let year = Int64(Calendar(identifier: .gregorian).component(.year, from: Date()))
        let csv = work + "/applications.csv"
        var text = "year,employerBin,category,workers,sector,countryOfOrigin,vacancyRef,vacancyPostedOn\n"
        text.reserveCapacity(rows * 80)
        for n in 0..<rows {
            text += "\(year),\(BIN.synthetic(n % 5_000)),cat3,\(1 + n % 5),F,UZ,BENCH-\(n),\(year)-01-05\n"
        }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let importRun = try kvota(["import", csv, "--profile", "region"], "import")
        print(
            String(
                format: "kvota import of %d rows: %.2f s (%.0f rows/s), peak VmRSS %d MB", rows, importRun.seconds,
                Double(rows) / importRun.seconds, importRun.peakMB))
        guard phases.contains("sync") else { return }

        // Baseline: as many new applications pushed over bare HTTP in batches of 1,000, same server.
        let principal = Principal(name: "bench-kz-75", role: .region, region: Region(rawValue: "KZ-75"))
        let bareItems = (0..<rows).map { n in
            PushItem(
                eventId: UUID(), stream: "application-\(UUID().lowercased)", expectedVersion: .noStream,
                type: "ApplicationFiled",
                data: [
                    "region": "KZ-75", "year": .int(year), "line": "foreign-labour",
                    "employerBin": .string(BIN.synthetic(n % 5_000).description), "category": "cat3",
                    "workers": .int(Int64(1 + n % 5)), "sector": "F", "countryOfOrigin": "UZ",
                    "vacancyRef": .string("BARE-\(n)"), "vacancyPostedOn": .string("\(year)-01-05"),
                ], occurredAt: Timestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1e6)))
        }
        _ = principal
        let pushStart = ContinuousClock.now
        for start in stride(from: 0, to: bareItems.count, by: 1_000) {
            let items = Array(bareItems[start..<min(start + 1_000, bareItems.count)])
            var request = HTTPClientRequest(url: "\(base)/v1/sync/push")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(regionToken)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(
                ByteBuffer(bytes: CanonicalJSON.encode(PushRequest(deviceId: "bare", items: items).json)))
            let response = try await client.execute(request, timeout: .seconds(600))
            _ = try await response.body.collect(upTo: 64 << 20)
            guard response.status == .ok else { throw BenchError("bare push answered \(response.status)") }
        }
        print("\nsync of \(rows) recorded applications:")
        table.add(
            "bare HTTP push, batches of 1,000 (prepared in memory, no journal)", events: rows,
            seconds: pushStart.seconds, baseline: true)
        let sync = try kvota(["sync", "--profile", "region", "--json"], "sync")
        table.add("kvota sync: push from the journal, then pull back", events: rows, seconds: sync.seconds)
        table.printRatio(
            of: "kvota sync: push from the journal, then pull back",
            to: "bare HTTP push, batches of 1,000 (prepared in memory, no journal)")
        print(
            "  kvota peak VmRSS \(sync.peakMB) MB; report: \(sync.output.trimmingCharacters(in: .whitespacesAndNewlines))"
        )
    }
}
