import ArgumentParser
import Foundation
import KvotaClient
import KvotaCore

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Push what was recorded here (in order, in batches), then pull what the server has.",
        discussion: """
            Safe to interrupt and run again: nothing is lost or applied twice. Network errors and \
            5xx answers are retried with backoff. Version conflicts whose intent still holds \
            against the pulled state are rebased and sent again (and reported).
            """)
    @OptionGroup var options: ProfileOptions
    @Option(help: "Events per push.") var batch = 1_000
    @Option(help: "Attempts per request before giving up.") var attempts = 8
    @Flag(help: "The report as JSON.") var json = false

    func run() async throws {
        let (profile, journal) = try options.open()
        var api = ServerAPI(profile: profile)
        api.attempts = max(1, attempts)
        api.onRetry = { what, wait in
            FileHandle.standardError.write(Data("kvota: \(what); retrying in \(wait)\n".utf8))
        }
        var syncer = Syncer(journal: journal, api: api, profile: profile)
        syncer.batchSize = max(1, min(batch, 10_000))
        syncer.progress = { phase, done, total in progressBar(phase, done, total) }
        let report = try await runAsync { () async throws(ClientError) in try await syncer.run() }
        if stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if json {
            printJSON(report.json)
        } else {
            for item in report.rebased {
                print("rebased \(item.id.lowercased) on \(item.stream): expected \(item.from), now version \(item.to)")
            }
            print(report.summary)
        }
    }
}

struct QuotaGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota", abstract: "The quota picture.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allocated, in use and free per region, with a bar each (works offline).",
            discussion: """
                Without --as-of: the server's picture at the last sync. With --as-of: rebuilt here from \
                the pulled log by the quota rules (a region token sees only its own region's permits, so \
                other regions' usage is then unknown and left out).
                """)
        @OptionGroup var options: ProfileOptions
        @OptionGroup var quota: QuotaLineOptions
        @Option(help: "Only this region.") var region: String?
        @Option(help: "The picture after the last event recorded at or before this time (RFC 3339 or YYYY-MM-DD).")
        var asOf: String?
        @Flag(help: "JSON (the server's shape).") var json = false
        @Flag(help: "CSV, one row per region.") var csv = false

        func run() async throws {
            let (profile, journal) = try options.open()
            let regions: Set<Region>?
            if let region {
                guard let code = Region(rawValue: region) else {
                    throw fail(ClientError(.invalidInput, "not a region code (KZ-10 ... KZ-79)", field: "--region"))
                }
                regions = [code]
            } else {
                regions = nil
            }
            let key = try kvotaRun { () throws(ClientError) in
                guard let line = QuotaLine(rawValue: quota.line) else {
                    throw ClientError(.invalidInput, "foreign-labour or household-immigrant", field: "--line")
                }
                return QuotaKey(year: quota.year, line: line)
            }
            let (projection, note) = try kvotaRun { () throws(ClientError) -> (QuotaProjection, String) in
                if let asOf {
                    guard let time = Timestamp(asOf: asOf) else {
                        throw ClientError(.invalidInput, "RFC 3339 or YYYY-MM-DD", field: "--as-of")
                    }
                    let replay = try AuditReplay.projections(journal, asOf: time)
                    guard let projection = replay.projections[key] else {
                        throw ClientError(.invalidInput, "no \(key) in the pulled log at \(asOf)", field: "--as-of")
                    }
                    let scope = profile.role == .region ? " (usage of \(profile.region ?? "") only)" : ""
                    return (projection, "rebuilt here from the pulled log as of \(asOf)\(scope)")
                }
                guard let cached = try journal.cachedQuota(year: key.year, line: key.line.rawValue) else {
                    throw ClientError(.invalidInput, "no picture of \(key) yet: run `kvota sync`", field: "--year")
                }
                do {
                    return (
                        try QuotaProjection(json: try JSONParser.parse(cached.body)),
                        "as of last sync at \(cached.fetchedAt)"
                    )
                } catch { throw ClientError(.journal, "the cached picture cannot be read: \(error)") }
            }
            let shown =
                profile.role == .region && asOf != nil
                ? regions ?? profile.region.flatMap(Region.init(rawValue:)).map { [$0] }
                : regions
            if json {
                printJSON(projection.json)
            } else if csv {
                print(
                    "region,name,allocated,inUse,available,"
                        + PermitCategory.allCases.map(\.rawValue).joined(separator: ","))
                for usage in projection.regions where shown?.contains(usage.region) ?? true {
                    let categories = PermitCategory.allCases.map { String(usage.byCategory[$0] ?? 0) }
                    print(
                        ([
                            usage.region.rawValue, CSV.escape(usage.region.name), String(usage.allocated),
                            String(usage.inUse),
                            String(usage.available),
                        ] + categories).joined(separator: ","))
                }
            } else {
                print(QuotaTable(projection, regions: shown).text)
                print("(\(note))")
            }
        }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record applications or permits from a CSV file (all rows valid, or nothing).",
        discussion: """
            Every row is checked by the quota rules in order; errors are listed with their line \
            numbers. Nothing is recorded unless every row is valid, or with --skip-invalid the \
            valid rows are recorded and the others written to a reject file. Worker documents \
            (documentCountry, documentNumber) become the keyed pseudonym before anything is stored.
            """)
    @OptionGroup var options: ProfileOptions
    @Argument(help: "The CSV file (header row; see `kvota import --help`).") var file: String
    @Option(help: "applications or permits (default: told by the header).") var kind: String?
    @Flag(help: "Record the valid rows; write the others to the reject file.") var skipInvalid = false
    @Option(help: "Where rejected rows go (default: FILE.rejects.csv).") var rejectFile: String?

    func run() throws {
        let (profile, journal) = try options.open()
        let result = try kvotaRun { () throws(ClientError) -> CSVImport.Result in
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ClientError(.invalidInput, "cannot read \(file)", field: "FILE")
            }
            var requested: CSVImport.Kind?
            if let kind {
                guard let value = CSVImport.Kind(rawValue: kind) else {
                    throw ClientError(.invalidInput, "applications or permits", field: "--kind")
                }
                requested = value
            }
            var view = try LocalView(journal: journal, principal: profile.principal, deviceId: profile.deviceId)
            let importer = CSVImport(pseudonymKey: profile.pseudonymKey.flatMap(WorkerPseudonym.key(hex:)))
            let result = try importer.check([UInt8](data), kind: requested, view: &view)
            if !result.errors.isEmpty && !skipInvalid {
                for error in result.errors.prefix(50) {
                    FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                }
                if result.errors.count > 50 {
                    FileHandle.standardError.write(Data("... and \(result.errors.count - 50) more\n".utf8))
                }
                throw ClientError(
                    .refused,
                    "\(result.errors.count) of \(result.rows) rows are not valid; nothing recorded (fix them, or --skip-invalid)"
                )
            }
            try journal.record(result.events)
            return result
        }
        if !result.errors.isEmpty {
            let path = rejectFile ?? file + ".rejects.csv"
            guard FileManager.default.createFile(atPath: path, contents: Data(CSVImport.rejectFile(result).utf8)) else {
                throw fail(ClientError(.invalidInput, "cannot write \(path)", field: "--reject-file"))
            }
            print("\(result.errors.count) invalid row(s) written to \(path)")
        }
        print(
            "recorded \(result.events.count) \(result.kind.rawValue) of \(result.rows) rows (pending: `kvota sync` sends them)"
        )
    }
}

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What the server (or the rules) refused, with the ways out; `resolve` takes one.",
        subcommands: [List.self, Resolve.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List conflicts, rejections, blocked and held events.")
        @OptionGroup var options: ProfileOptions
        @Flag(help: "JSON for scripts.") var json = false

        func run() throws {
            let (profile, journal) = try options.open()
            let open = try kvotaRun { () throws(ClientError) in try Resolver(journal: journal, profile: profile).open()
            }
            if json {
                printJSON(
                    .array(
                        open.map { event in
                            .object([
                                "eventId": .string(event.eventId.lowercased), "stream": .string(event.stream),
                                "type": .string(event.type), "state": .string(event.state.rawValue),
                                "status": event.outcome.map { .string($0.status) } ?? .null,
                                "code": event.outcome?.code.map(JSONValue.string) ?? .null,
                                "message": .string(event.outcome?.message ?? ""),
                                "field": event.outcome?.field.map(JSONValue.string) ?? .null,
                                "current": event.outcome?.current.map(JSONValue.object) ?? .null,
                                "blockedBy": event.outcome?.blockedBy.map { .string($0.lowercased) } ?? .null,
                                "options": .array(Resolver.options(for: event).map(JSONValue.string)),
                            ])
                        }))
                return
            }
            if open.isEmpty { print("no conflicts") }
            for event in open {
                let outcome = event.outcome
                print("\(event.eventId.lowercased)  \(event.type) on \(event.stream)  [\(event.state.rawValue)]")
                print(
                    "    \(outcome?.code ?? outcome?.status ?? "")\(outcome?.field.map { " (\($0))" } ?? ""): \(outcome?.message ?? "")"
                )
                if let current = outcome?.current, !current.isEmpty {
                    print("    server's current state: \(CanonicalJSON.string(.object(current)))")
                }
                print("    ways out: " + Resolver.options(for: event).joined(separator: " | "))
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resolve one conflict.")
        @OptionGroup var options: ProfileOptions
        @Argument(help: "The event's id (or a unique prefix).") var id: String
        @Flag(help: "Expect the stream's current version and check again.") var rebase = false
        @Flag(help: "Drop it, and what depends on it.") var drop = false
        @Option(parsing: .upToNextOption, help: "Change fields: FIELD=VALUE ...") var amend: [String] = []
        @Option(help: "Record a reallocation request of UNITS for the permit's region and hold the permit.")
        var requestReallocation: Int64?
        @Option(help: "With --request-reallocation: a donor region.") var fromRegion: String?
        @Option(help: "With --request-reallocation: why.") var justification: String?

        func validate() throws {
            let chosen = [rebase, drop, !amend.isEmpty, requestReallocation != nil].filter { $0 }.count
            guard chosen == 1 else {
                throw ValidationError("choose one of --rebase, --drop, --amend, --request-reallocation")
            }
        }

        func run() throws {
            let (profile, journal) = try options.open()
            let resolver = Resolver(journal: journal, profile: profile)
            let outcome = try kvotaRun { () throws(ClientError) in
                if rebase { return try resolver.rebase(id) }
                if drop { return try resolver.drop(id) }
                if let units = requestReallocation {
                    return try resolver.requestReallocation(
                        id, units: units, fromRegion: fromRegion, justification: justification)
                }
                return try resolver.amend(id, amend)
            }
            print(outcome.message)
        }
    }
}
