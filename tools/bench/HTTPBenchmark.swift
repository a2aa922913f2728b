import ArgumentParser
import AsyncHTTPClient
import Foundation
import KvotaCore
import KvotaHistory
import KvotaStore
import Logging
import NIOCore
import Synchronization

/// `kvota-bench http`: a real `kvotad serve` process over HTTP, beside the event store called in-process
/// on the same events, same run, same private cluster: batched pushes, 64 clients pushing single events,
/// and pulling the whole log; kvotad's resident memory throughout.
struct HTTPBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http",
        abstract: "kvotad over HTTP (push batches, concurrent single pushes, pull) vs the store in-process.")

    @Option(help: "Events of the synthetic history to push (LargeHistory, the server's expiries left out).")
    var events = 200_000
    @Option(help: "Most events per push (and per in-process append).") var batch = 1000
    @Option(help: "Concurrent clients pushing single events.") var clients = 64
    @Option(help: "Seconds of the single-event phase (each of in-process and HTTP).") var singleSeconds = 20
    @Option(help: "libpq URI of a server to use (a database per run is created); default: a private cluster.")
    var databaseURL: String?
    @Option(help: "The kvotad binary; default: the one beside kvota-bench.") var kvotad: String?
    @Flag(
        help: "A CHECKPOINT and a sync before each single-event phase (none meets the earlier ones' writeback)."
    ) var settle = false

    func run() async throws {
        var logger = Logger(label: "kvota-bench")
        logger.logLevel = .warning
        let kvotad = self.kvotad ?? BenchProcess.executableDirectory + "/kvotad"
        guard FileManager.default.isExecutableFile(atPath: kvotad) else {
            throw BenchError("no kvotad at \(kvotad): build it (swift build -c release --product kvotad)")
        }
        let cluster = try BenchCluster(databaseURL: databaseURL)
        defer { cluster.stop() }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kvota-bench-http-\(UUID().uuidString)"
        )
        .path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        // The events: LargeHistory in recording order, regrouped into batches of one writer each.
        print("generating \(events) pushable events of LargeHistory, batches of one writer (at most \(batch))...")
        fflush(nil)
        var regrouper = WriterRegrouper(batchSize: batch)
        var generator = LargeHistory.Generator()
        var pushable = 0
        while pushable < events, let next = generator.next() {
            if regrouper.add(next.event) { pushable += 1 }
        }
        regrouper.finish()
        let batches = regrouper.batches
        let full = batches.filter { $0.events.count == batch }.count
        print(
            String(
                format:
                    "  %d events in %d batches (mean %.0f events, %d full; %d by the ministry); %d expiries left out",
                pushable, batches.count, Double(pushable) / Double(batches.count), full,
                batches.filter { $0.writer == "ministry" }.count, regrouper.skipped))

        // Tokens, named as the principals the in-process appends use, so both logs get the same meta.
        let serverURL = try cluster.freshDatabase("bench_http_server")
        let storeURL = try cluster.freshDatabase("bench_http_store")
        let environment = [
            "KVOTA_DATABASE_URL": serverURL, "KVOTA_LOG_LEVEL": "warning", "KVOTA_EXPIRY_SWEEP_SECONDS": "0",
            "KVOTA_SIGNING_KEY_FILE": work + "/signing.key",
        ]
        var principals: [String: Principal] = [
            "ministry": Principal(name: "bench-ministry", role: .ministry, region: nil)
        ]
        for region in Region.allCases {
            principals[region.rawValue] = Principal(
                name: "bench-\(region.rawValue.lowercased())", role: .region, region: region)
        }
        let auditor = Principal(name: "bench-auditor", role: .auditor, region: nil)
        print("creating \(principals.count + 1) tokens with kvotad token create...")
        fflush(nil)
        var tokens: [String: String] = [:]
        for (key, principal) in principals.sorted(by: { $0.key < $1.key }) + [("auditor", auditor)] {
            var arguments = [kvotad, "token", "create", "--name", principal.name, "--role", principal.role.rawValue]
            if let region = principal.region { arguments += ["--region", region.rawValue] }
            let output = try BenchProcess.output(arguments, environment: environment, log: work + "/token.log")
            guard let token = output.split(separator: "\n").last.map(String.init), !token.isEmpty else {
                throw BenchError("kvotad token create printed no token: \(output)")
            }
            tokens[key] = token
        }

        // The server.
        guard let port = LoopbackPort.free() else { throw BenchError("no free loopback port") }
        let serverLog = work + "/kvotad.log"
        let pid = try BenchProcess.start(
            [kvotad, "serve"],
            environment: environment.merging(["KVOTA_HTTP_ADDRESS": "127.0.0.1:\(port)"]) { $1 }, stdout: serverLog,
            stderr: serverLog)
        var stopped = false
        defer { if !stopped { kill(pid, SIGKILL) } }
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.connectionPool = .init(
            idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: max(64, clients))
        httpConfiguration.timeout = .init(connect: .seconds(10), read: .seconds(600))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        let base = "http://127.0.0.1:\(port)"
        do {
            try await Self.waitReady(client, base, pid: pid, log: serverLog)
            let sampler = MemorySampler(pid: pid)
            defer { sampler.stop() }
            let idle = sampler.takePeak()
            print("kvotad (pid \(pid)) ready on \(base); VmRSS \(idle / 1024) MB")
            fflush(nil)
            var rows = HTTPResultRows()

            // 1. Batched pushes, batch by batch in turn with the store's own append of the same batch.
            let store = try EventStore(
                configuration: StoreConfiguration(databaseURL: storeURL, rules: .quota), logger: logger)
            defer { store.shutdown() }
            try await store.migrate()
            let storeCommits = CommitStalls.Recorder(store)
            print("pushing \(pushable) events: each batch over HTTP, then in-process into another database...")
            fflush(nil)
            var httpSeconds = 0.0
            var storeSeconds = 0.0
            var refused = 0
            var (storeCPU, serverCPU, clientCPU) = (0.0, 0.0, 0.0)
            for (index, writerBatch) in batches.enumerated() {
                let principal = principals[writerBatch.writer]!
                let device = "bench-\(writerBatch.writer.lowercased())-1"
                let items = writerBatch.items
                let body = ByteBuffer(bytes: CanonicalJSON.encode(PushRequest(deviceId: device, items: items).json))
                let proposed = items.map { $0.proposed(by: principal, deviceId: device) }

                let storeStart = ContinuousClock.now
                let cpuBefore = CPUTime.mine
                let statuses = try await store.append(proposed)
                storeSeconds += storeStart.seconds
                storeCPU += CPUTime.mine - cpuBefore
                if let bad = statuses.firstIndex(where: { !$0.isApplied }) {
                    throw BenchError("in-process batch \(index) (\(writerBatch.writer)), item \(bad): \(statuses[bad])")
                }

                let httpStart = ContinuousClock.now
                let (serverBefore, clientBefore) = (CPUTime.of(pid), CPUTime.mine)
                let (status, answer) = try await Self.post(
                    client, base + "/v1/sync/push", body: body, token: tokens[writerBatch.writer]!)
                httpSeconds += httpStart.seconds
                serverCPU += CPUTime.of(pid) - serverBefore
                clientCPU += CPUTime.mine - clientBefore
                let accepted = answer.withUnsafeBytes { PushAnswer.acceptedCount($0) }
                if status != 200 || accepted != items.count {
                    refused += items.count - accepted
                    print(
                        "  push \(index) (\(writerBatch.writer)): HTTP \(status), \(accepted) of \(items.count) accepted; first: \(status == 200 ? PushAnswer.firstRefusal(answer) : String(decoding: answer.prefix(400), as: UTF8.self))"
                    )
                }
                if (index + 1) % 50 == 0 {
                    print(
                        String(
                            format: "  %d batches: HTTP %.0f events/s, in-process %.0f events/s; kvotad VmRSS %d MB",
                            index + 1, Double(batches[...index].map(\.events.count).reduce(0, +)) / httpSeconds,
                            Double(batches[...index].map(\.events.count).reduce(0, +)) / storeSeconds,
                            (MemorySampler.read(pid, "VmRSS") ?? 0) / 1024))
                    fflush(nil)
                }
            }
            let pushPeak = sampler.takePeak()
            print(
                String(
                    format:
                        "  CPU: in-process appends %.1f s (bench process) in %.1f s; HTTP pushes: kvotad %.1f s, client %.1f s in %.1f s",
                    storeCPU, storeSeconds, serverCPU, clientCPU, httpSeconds))
            let meanBatch = Double(pushable) / Double(batches.count)
            rows.add(
                "store append in-process (quota rules), same batches", events: pushable, seconds: storeSeconds,
                vs: "1.00", target: "baseline")
            let pushRate = Double(pushable) / httpSeconds
            let pushRatio = storeSeconds / httpSeconds
            rows.add(
                String(format: "push over HTTP, batches of up to %d (mean %.0f)", batch, meanBatch), events: pushable,
                seconds: httpSeconds, vs: String(format: "%.2f", pushRatio), target: "≥ 20,000/s and ≥ 0.60",
                met: pushRate >= 20_000 && pushRatio >= 0.60 && refused == 0)
            if refused > 0 { print("  \(refused) pushed events were not accepted: the push figures are void") }

            // Raw COPY of the same rows (from the in-process log), one transaction per batch, for scale.
            let copySeconds = try Self.rawCopy(cluster: cluster, source: storeURL, rows: pushable, batch: batch)
            rows.add(
                "raw COPY of the same rows, one transaction per \(batch)", events: pushable, seconds: copySeconds,
                vs: String(format: "store = %.2f of it", copySeconds / storeSeconds), target: "(scale)")

            // 2. Single events from concurrent clients: in-process first, then over HTTP. Each commit
            // waits for a flush of the WAL, so the disk's own flush times come first, as their baseline.
            /// With --settle: PostgreSQL's dirty buffers and the kernel's dirty pages written out now.
            func settleIfAsked() throws {
                guard settle else { return }
                try RawPostgres(cluster.adminURL).exec("CHECKPOINT")
                sync()
            }
            try settleIfAsked()
            let disk = try DiskFlushProbe.run(directory: work, seconds: 10)
            rows.add(
                "disk alone: fdatasync of 8 KiB back to back, \(disk.slow) over 50 ms (a commit's flush)",
                events: disk.outcome.count, seconds: disk.outcome.seconds, vs: "", target: "(scale)",
                latency: disk.outcome)
            print("\(clients) concurrent writers of single ApplicationFiled events, \(singleSeconds) s each way...")
            fflush(nil)
            let single = SingleEvents(principals: principals, clients: clients)
            let localBefore = CPUTime.mine
            try settleIfAsked()
            _ = storeCommits.take()
            let local = try await single.inProcess(store: store, seconds: Double(singleSeconds))
            print(String(format: "  CPU in-process: %.1f s in %.1f s", CPUTime.mine - localBefore, local.seconds))
            rows.add(
                "single events in-process, \(clients) concurrent appenders, " + local.correctedP99(clients: clients),
                events: local.count, seconds: local.seconds, vs: "1.00", target: "baseline", latency: local,
                commits: storeCommits.take())
            // PostgreSQL alone: the same number of clients committing one small row each, back to back.
            try settleIfAsked()
            if let pgbench = try PgbenchSingle.run(
                url: try cluster.freshDatabase("bench_http_pgbench"), clients: clients, seconds: singleSeconds,
                work: work)
            {
                rows.add(
                    "pgbench: \(clients) clients committing one 600-byte row each, "
                        + pgbench.correctedP99(clients: clients),
                    events: pgbench.count, seconds: pgbench.seconds, vs: "", target: "(scale)", latency: pgbench)
            }
            sampler.takePeak()
            try settleIfAsked()
            let (serverBefore, clientBefore) = (CPUTime.of(pid), CPUTime.mine)
            let commitsBefore = try await Self.scrapeCommits(client, base)
            let remote = try await single.overHTTP(
                client: client, url: base + "/v1/sync/push", tokens: tokens, seconds: Double(singleSeconds))
            let singlePeak = sampler.takePeak()
            print(
                String(
                    format: "  CPU over HTTP: kvotad %.1f s, client %.1f s in %.1f s (%d cores: %.1f s available)",
                    CPUTime.of(pid) - serverBefore, CPUTime.mine - clientBefore, remote.seconds,
                    ProcessInfo.processInfo.activeProcessorCount,
                    Double(ProcessInfo.processInfo.activeProcessorCount) * remote.seconds))
            let singleRate = Double(remote.count) / remote.seconds
            rows.add(
                "single events over HTTP, \(clients) clients (one event per push), "
                    + remote.correctedP99(clients: clients),
                events: remote.count,
                seconds: remote.seconds, vs: String(format: "%.2f", singleRate / (Double(local.count) / local.seconds)),
                target: "≥ 5,000/s, p99 < 50 ms",
                met: singleRate >= 5_000 && remote.percentile(0.99) < 0.050 && remote.failures == 0, latency: remote,
                commits: try await Self.scrapeCommits(client, base).since(commitsBefore))
            if let wrk = WrkSingle.find() {
                // The same load from wrk, a C load generator, which leaves more of the two cores to kvotad:
                // back to back (the most the server takes), then paced near the target's rate (each
                // connection pausing after each answer), where the target's p99 is read.
                let home = single.region(ofClient: 0)
                for pause in [nil, WrkSingle.pauseForTarget(clients: clients)] {
                    var environment = [
                        "KVOTA_WRK_TOKEN": tokens[home.rawValue]!, "KVOTA_WRK_REGION": home.rawValue,
                        "KVOTA_WRK_BIN": SingleEvents.bins[0],
                    ]
                    if let pause { environment["KVOTA_WRK_PAUSE_MS"] = String(pause) }
                    try settleIfAsked()
                    let wrkBefore = try await Self.scrapeCommits(client, base)
                    let outcome = try WrkSingle.run(
                        wrk, url: base, clients: clients, seconds: singleSeconds, environment: environment,
                        log: work + "/wrk.log")
                    let rate = Double(outcome.requests) / outcome.seconds
                    rows.add(
                        "single events over HTTP, \(clients) connections from wrk ("
                            + (pause.map { "each pausing \($0) ms after an answer" } ?? "back to back") + ")",
                        events: outcome.requests, seconds: outcome.seconds,
                        vs: String(format: "%.2f", rate / (Double(local.count) / local.seconds)),
                        target: "≥ 5,000/s, p99 < 50 ms",
                        met: rate >= 5_000 && outcome.p99 < 0.050 && outcome.errors == 0,
                        quantiles: [outcome.p50, outcome.p90, outcome.p99, outcome.max],
                        commits: try await Self.scrapeCommits(client, base).since(wrkBefore))
                    if outcome.errors > 0 {
                        print("  wrk: \(outcome.errors) refused or failed: \(outcome.firstFailure ?? "")")
                    }
                }
            } else {
                print("  (wrk not found: the wrk phase is skipped)")
            }
            if remote.failures > 0 || local.failures > 0 {
                print(
                    "  refused or failed: HTTP \(remote.failures), in-process \(local.failures): \(remote.firstFailure ?? local.firstFailure ?? "")"
                )
            }

            // 3. Pull the whole log: the store's raw read in-process, then GET /v1/events over HTTP.
            let serverStore = try EventStore(
                configuration: StoreConfiguration(databaseURL: serverURL, rules: .quota), logger: logger)
            defer { serverStore.shutdown() }
            let wrkPeak = sampler.takePeak()  // the wrk phase (0 when skipped: nothing ran)
            let readStart = ContinuousClock.now
            var read = 0
            var cursor: Int64 = -1
            while true {
                let page = try await serverStore.readRaw(after: cursor, limit: EventStore.maxPageSize)
                read += page.count
                cursor = page.next
                if page.count == 0 || page.next == page.head { break }
            }
            let readSeconds = readStart.seconds
            rows.add(
                "store readRaw in-process, pages of 10,000 (same log)", events: read, seconds: readSeconds, vs: "1.00",
                target: "baseline")
            print("pulling the whole log over HTTP (limit=10000, following next)...")
            fflush(nil)
            let pullStart = ContinuousClock.now
            var expected: Int64 = -1
            var pulled = 0
            var pullBytes = 0
            var head: Int64 = 0
            repeat {
                let (status, body) = try await Self.get(
                    client, base + "/v1/events?after=\(expected)&limit=10000", token: tokens["auditor"]!)
                guard status == 200 else {
                    throw BenchError(
                        "pull after \(expected): HTTP \(status) \(String(decoding: body.readableBytesView.prefix(300), as: UTF8.self))"
                    )
                }
                pullBytes += body.readableBytes
                let before = expected
                let page = try body.withUnsafeReadableBytes { try PullPage.check($0, after: &expected) }
                guard page.next == expected, page.count > 0 || page.next == before else {
                    throw BenchError("pull: next \(page.next) but the last position read is \(expected)")
                }
                pulled += page.count
                head = page.head
                if page.count == 0 { break }
            } while expected < head
            let pullSeconds = pullStart.seconds
            let pullPeak = sampler.takePeak()
            guard pulled == read, expected == Int64(read) - 1 else {
                throw BenchError("pull read \(pulled) events up to \(expected); the store has \(read)")
            }
            print(
                String(
                    format: "  %d events, positions 0...%lld dense; %.0f MB, %.0f bytes per event", pulled, expected,
                    Double(pullBytes) / 1e6, Double(pullBytes) / Double(pulled)))
            let pullRate = Double(pulled) / pullSeconds
            rows.add(
                "pull over HTTP, limit=10000, following next", events: pulled, seconds: pullSeconds,
                vs: String(format: "%.2f", pullRate / (Double(read) / readSeconds)), target: "≥ 100,000/s",
                met: pullRate >= 100_000)
            try await Self.exportPhase(
                client, base, token: tokens["auditor"]!, events: read, pullRate: pullRate, rows: &rows)

            // Memory, and the end of the server.
            let hwm = MemorySampler.read(pid, "VmHWM") ?? 0
            for (phase, peak) in [
                ("idle, after start", idle), ("batched pushes", pushPeak), ("single-event pushes", singlePeak),
                ("single-event pushes from wrk", wrkPeak), ("pull", pullPeak),
                ("audit export", sampler.takePeak()),
            ] {
                rows.memory("kvotad peak VmRSS: \(phase)", kilobytes: peak)
            }
            rows.memory("kvotad VmHWM at the end", kilobytes: hwm)
            sampler.stop()
            kill(pid, SIGTERM)
            let exit = BenchProcess.wait(pid)
            stopped = true
            rows.print()
            print("\nkvotad stopped with SIGTERM: exit status \(exit)\(exit == 0 ? "" : " (expected 0)")")
            if exit != 0 {
                print((try? String(contentsOfFile: serverLog, encoding: .utf8)).map { String($0.suffix(3000)) } ?? "")
            }
        } catch {
            print("kvotad log (\(serverLog)):")
            print((try? String(contentsOfFile: serverLog, encoding: .utf8)).map { String($0.suffix(3000)) } ?? "")
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    // MARK: HTTP

    static func post(_ client: HTTPClient, _ url: String, body: ByteBuffer, token: String) async throws -> (
        Int, [UInt8]
    ) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: .seconds(600))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return (Int(response.status.code), Array(buffer.readableBytesView))
    }

    static func get(_ client: HTTPClient, _ url: String, token: String?) async throws -> (Int, ByteBuffer) {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .seconds(600))
        let buffer = try await response.body.collect(upTo: 256 * 1024 * 1024)
        return (Int(response.status.code), buffer)
    }

    /// kvotad's commit histograms now (``CommitStalls/Scrape``).
    static func scrapeCommits(_ client: HTTPClient, _ base: String) async throws -> CommitStalls.Scrape {
        let (status, body) = try await get(client, base + "/metrics", token: nil)
        guard status == 200 else { throw BenchError("GET /metrics: HTTP \(status)") }
        return CommitStalls.Scrape(String(buffer: body))
    }

    /// Polls `/readyz` until it answers 200 (the server has migrated and reaches the database).
    static func waitReady(_ client: HTTPClient, _ base: String, pid: pid_t, log: String) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if let status = BenchProcess.exited(pid) { throw BenchError("kvotad exited with \(status) before ready") }
            if let (status, _) = try? await get(client, base + "/readyz", token: nil), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("kvotad not ready after 120 s")
    }

    /// The rows of `source`'s events table COPYed in binary into a plain table with the same columns and
    /// indexes, one transaction per `batch` rows (as `kvota-bench store` does); returns the seconds.
    static func rawCopy(cluster: BenchCluster, source: String, rows: Int, batch: Int) throws -> Double {
        let raw = try RawPostgres(source)
        let columns = "position, event_id, stream, version, type, region, recorded_at, body, leaf_hash"
        let chunks = try stride(from: 0, to: rows, by: batch).map { start in
            try raw.copyOut(
                "COPY (SELECT \(columns) FROM events WHERE position >= \(start) AND position < \(start + batch) ORDER BY position) TO STDOUT (FORMAT binary)",
                keep: true
            ).bytes
        }
        let baseline = try RawPostgres(try cluster.freshDatabase("bench_http_copy"))
        try baseline.exec("CREATE TABLE events_copy (\(StoreBenchmark.plainTable))")
        let start = ContinuousClock.now
        for chunk in chunks {
            try baseline.exec("BEGIN")
            try baseline.copyIn("COPY events_copy (\(columns)) FROM STDIN (FORMAT binary)", chunk)
            try baseline.exec("COMMIT")
        }
        return start.seconds
    }
}

/// Concurrent writers of single, independent, valid events: each files new applications
/// (`ApplicationFiled`, a new stream each time) for the region of its token.
struct SingleEvents: Sendable {
    let principals: [String: Principal]
    let clients: Int

    struct Outcome: Sendable {
        var count = 0
        var failures = 0
        var firstFailure: String?
        var latencies: [Double] = []
        var seconds = 0.0

        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return .infinity }
            return latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }

        /// The `p` percentile corrected for coordinated omission as wrk corrects its own: with
        /// `clients` clients, each answer that took longer than a client's mean interval between
        /// requests also stands for the requests that client would have sent meanwhile (latency
        /// minus one, two, ... intervals). So the rows of wrk and of the other clients compare.
        /// ``correctedPercentile(_:clients:)`` at 0.99, as a row's label says it.
        func correctedP99(clients: Int) -> String {
            String(format: "p99 corrected as wrk's %.1f ms", correctedPercentile(0.99, clients: clients) * 1000)
        }

        func correctedPercentile(_ p: Double, clients: Int) -> Double {
            guard count > 0, seconds > 0 else { return .infinity }
            let interval = seconds / (Double(count) / Double(clients))
            var all = latencies
            for latency in latencies where latency > interval {
                var held = latency - interval
                while held >= interval {
                    all.append(held)
                    held -= interval
                }
            }
            all.sort()
            return all[min(all.count - 1, Int(Double(all.count) * p))]
        }

        mutating func merge(_ other: Outcome) {
            count += other.count
            failures += other.failures
            firstFailure = firstFailure ?? other.firstFailure
            latencies += other.latencies
        }
    }

    static let bins: [String] = (0..<2_000).map { BIN.synthetic($0, base: 60_000_700_000).digits }

    func region(ofClient index: Int) -> Region { Region.allCases[index % Region.allCases.count] }

    func item(region: Region, sequence: Int) -> PushItem {
        let id = UUID()
        let now = Timestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000))
        return PushItem(
            eventId: id, stream: "application-\(id.lowercased)", expectedVersion: .noStream, type: "ApplicationFiled",
            data: [
                "region": .string(region.rawValue), "year": 2026, "line": "foreign-labour",
                "employerBin": .string(SingleEvents.bins[sequence % SingleEvents.bins.count]), "category": "cat3",
                "workers": 2, "sector": "F", "countryOfOrigin": "CN", "vacancyRef": .string("enbek-2026-\(sequence)"),
                "vacancyPostedOn": "2026-01-05",
            ], occurredAt: now)
    }

    func inProcess(store: EventStore, seconds: Double) async throws -> Outcome {
        try await run(seconds: seconds) { index, sequence in
            let home = region(ofClient: index)
            let principal = principals[home.rawValue]!
            let event = item(region: home, sequence: sequence).proposed(
                by: principal, deviceId: "bench-single-\(index)")
            let start = ContinuousClock.now
            let statuses = try await store.append([event])
            let latency = start.seconds
            if case .accepted? = statuses.first { return (latency, nil) }
            return (latency, "\(statuses)")
        }
    }

    func overHTTP(client: HTTPClient, url: String, tokens: [String: String], seconds: Double) async throws -> Outcome {
        try await run(seconds: seconds) { index, sequence in
            let home = region(ofClient: index)
            let body = ByteBuffer(
                bytes: CanonicalJSON.encode(
                    PushRequest(deviceId: "bench-single-\(index)", items: [item(region: home, sequence: sequence)])
                        .json))
            let start = ContinuousClock.now
            let (status, answer) = try await HTTPBenchmark.post(client, url, body: body, token: tokens[home.rawValue]!)
            let latency = start.seconds
            if status == 200, answer.withUnsafeBytes({ PushAnswer.acceptedCount($0) }) == 1 { return (latency, nil) }
            return (latency, "HTTP \(status): \(String(decoding: answer.prefix(400), as: UTF8.self))")
        }
    }

    /// `clients` tasks calling `send` back to back until `seconds` have passed; latencies sorted.
    private func run(seconds: Double, _ send: @escaping @Sendable (Int, Int) async throws -> (Double, String?))
        async throws -> Outcome
    {
        let sequence = Counter()
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        var total = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for index in 0..<clients {
                group.addTask {
                    var outcome = Outcome()
                    while ContinuousClock.now < deadline {
                        let (latency, failure) = try await send(index, sequence.take(below: .max)!)
                        outcome.latencies.append(latency)
                        if let failure {
                            outcome.failures += 1
                            outcome.firstFailure = outcome.firstFailure ?? failure
                        } else {
                            outcome.count += 1
                        }
                    }
                    return outcome
                }
            }
            var total = Outcome()
            for try await outcome in group { total.merge(outcome) }
            return total
        }
        total.seconds = start.seconds
        total.latencies.sort()
        return total
    }
}

/// The table of this benchmark: each figure with its ratio to the baseline of its section, the
/// issue's target and whether it is met.
struct HTTPResultRows {
    private var lines: [String] = []

    mutating func add(
        _ what: String, events: Int, seconds: Double, vs: String, target: String, met: Bool? = nil,
        latency: SingleEvents.Outcome? = nil, quantiles: [Double]? = nil, commits: CommitStalls? = nil
    ) {
        let rate = Double(events) / seconds
        var name = what
        let quantiles =
            quantiles
            ?? latency.map {
                [$0.percentile(0.5), $0.percentile(0.9), $0.percentile(0.99), $0.latencies.last ?? 0]
            }
        if let quantiles, quantiles.count == 4 {
            name += String(
                format: " (latency p50 %.1f, p90 %.1f, p99 %.1f, max %.1f ms)", quantiles[0] * 1000,
                quantiles[1] * 1000,
                quantiles[2] * 1000, quantiles[3] * 1000)
        }
        if let commits { name += "; " + commits.summary }
        let verdict = met.map { $0 ? "yes" : "**no**" } ?? ""
        lines.append(
            String(format: "| %@ | %d | %.2f | %.0f | %@ | %@ | %@ |", name, events, seconds, rate, vs, target, verdict)
        )
        Swift.print(String(format: "  %@: %d events in %.2f s = %.0f events/s", name, events, seconds, rate))
        fflush(nil)
    }

    mutating func memory(_ what: String, kilobytes: Int) {
        let megabytes = Double(kilobytes) / 1024
        lines.append(
            String(
                format: "| %@ | | | | %.0f MB | < 200 MB | %@ |", what, megabytes, megabytes < 200 ? "yes" : "**no**"))
    }

    func print() {
        Swift.print("\n| what | events | seconds | events/s | vs baseline | target | met? |")
        Swift.print("|---|---:|---:|---:|---:|---|---|")
        for line in lines { Swift.print(line) }
    }
}

/// The single-event phase driven by wrk with `tools/bench/push-single.lua`, when wrk is installed.
enum WrkSingle {
    struct Outcome {
        var requests = 0
        var seconds = 0.0
        var p50 = 0.0, p90 = 0.0, p99 = 0.0, max = 0.0
        var errors = 0
        var firstFailure: String?
    }

    /// The pause after each answer that makes `clients` connections offer about 6,000 pushes a
    /// second when an answer takes about 8 ms (the paced phases' median in the runs of 2026-11-23):
    /// the target's 5,000/s with room for slower answers (a 5 ms pause gave 4,286–4,422/s).
    static func pauseForTarget(clients: Int) -> Int { max(0, clients * 1000 / 6000 - 8) }

    static func find() -> String? {
        ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ wrk: String, url: String, clients: Int, seconds: Int, environment: [String: String], log: String)
        throws -> Outcome
    {
        let script = FileManager.default.currentDirectoryPath + "/tools/bench/push-single.lua"
        let output = try BenchProcess.output(
            [wrk, "-t1", "-c\(clients)", "-d\(seconds)s", "--timeout", "10s", "-s", script, url],
            environment: environment, log: log)
        var outcome = Outcome()
        for line in output.split(separator: "\n") where line.hasPrefix("KVOTA ") {
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count >= 3 else { continue }
            let value = Double(words[2]) ?? 0
            switch words[1] {
            case "requests":
                let parts = words[2].split(separator: " ")
                outcome.requests = Int(parts.first ?? "") ?? 0
                outcome.seconds = parts.count == 3 ? Double(parts[2]) ?? 0 : 0
            case "p50": outcome.p50 = value / 1000
            case "p90": outcome.p90 = value / 1000
            case "p99": outcome.p99 = value / 1000
            case "max": outcome.max = value / 1000
            case "errors": outcome.errors = Int(value)
            case "first-failure": outcome.firstFailure = words[2]
            default: break
            }
        }
        guard outcome.requests > 0, outcome.seconds > 0 else { throw BenchError("wrk printed no figures: \(output)") }
        return outcome
    }
}

/// How long the disk under the benchmark's files takes to flush: 8 KiB written and `fdatasync`ed
/// back to back into a preallocated file (as PostgreSQL flushes its WAL at each commit). A commit's
/// latency is at least this; the machine's stalls here show up in every commit-bound tail.
enum DiskFlushProbe {
    static func run(directory: String, seconds: Double) throws -> (outcome: SingleEvents.Outcome, slow: Int) {
        let path = directory + "/flush-probe"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw BenchError("cannot open \(path)") }
        defer {
            close(fd)
            unlink(path)
        }
        let block = [UInt8](repeating: 0x2A, count: 8192)
        let blocks = 2048
        for index in 0..<blocks { _ = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, 8192, off_t(index * 8192)) } }
        fsync(fd)
        var outcome = SingleEvents.Outcome()
        let clock = ContinuousClock()
        let start = clock.now
        var index = 0
        while clock.now - start < .seconds(seconds) {
            _ = block.withUnsafeBytes { pwrite(fd, $0.baseAddress, 8192, off_t((index % blocks) * 8192)) }
            let before = clock.now
            guard fdatasync(fd) == 0 else { throw BenchError("fdatasync failed: errno \(errno)") }
            outcome.latencies.append(before.seconds)
            index += 1
        }
        outcome.count = index
        outcome.seconds = start.seconds
        outcome.latencies.sort()
        return (outcome, outcome.latencies.filter { $0 > 0.050 }.count)
    }
}

/// PostgreSQL's own single-row commits from concurrent clients (`pgbench`, its per-transaction log),
/// as the baseline of the single-event phases: what the database and the disk give before kvotad
/// adds anything. Nil when pgbench is not installed.
enum PgbenchSingle {
    static func run(url: String, clients: Int, seconds: Int, work: String) throws -> SingleEvents.Outcome? {
        guard let bin = EmbeddedPostgres.binDirectory(), FileManager.default.isExecutableFile(atPath: bin + "/pgbench")
        else { return nil }
        let admin = try RawPostgres(url)
        try admin.exec("CREATE TABLE pgbench_events (id bigserial PRIMARY KEY, body text NOT NULL)")
        let script = work + "/pgbench-insert.sql"
        try "INSERT INTO pgbench_events (body) VALUES (repeat('x', 600));\n".write(
            toFile: script, atomically: true, encoding: .utf8)
        let logs = work + "/pgbench-log"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        _ = try BenchProcess.output(
            [
                bin + "/pgbench", "-n", "-c", String(clients), "-j", "2", "-T", String(seconds), "-f", script, "-l",
                "--log-prefix=" + logs + "/tx", url,
            ], environment: [:], log: work + "/pgbench.log")
        // Each line of the per-transaction logs: client, transaction, latency (µs), script, epoch s, µs.
        var outcome = SingleEvents.Outcome()
        var first = Double.infinity
        var last = 0.0
        for file in try FileManager.default.contentsOfDirectory(atPath: logs) {
            let text = try String(contentsOfFile: logs + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count >= 6, let latency = Double(fields[2]), let epoch = Double(fields[4]),
                    let micros = Double(fields[5])
                else { continue }
                let end = epoch + micros / 1e6
                first = min(first, end - latency / 1e6)
                last = max(last, end)
                outcome.latencies.append(latency / 1e6)
            }
        }
        outcome.count = outcome.latencies.count
        outcome.seconds = last - first
        outcome.latencies.sort()
        return outcome.count > 0 ? outcome : nil
    }
}
