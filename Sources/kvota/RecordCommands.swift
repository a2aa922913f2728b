import ArgumentParser
import Foundation
import KvotaClient
import KvotaCore

/// Checks drafts against the local view and records them, or refuses naming the field and the rule.
func record(_ options: ProfileOptions, _ make: (Drafts) throws(ClientError) -> [PendingEvent]) throws {
    let (profile, journal) = try options.open()
    let events = try kvotaRun { () throws(ClientError) in
        try Recorder.record(journal: journal, profile: profile, fieldName: { flagNames[$0] ?? $0 }, make)
    }
    for event in events {
        print("recorded \(event.type) \(event.eventId.lowercased) on \(event.stream) (pending: `kvota sync` sends it)")
    }
}

/// The flag that sets a member of an event's data, for errors that name it.
let flagNames: [String: String] = [
    "data.employerBin": "--employer", "data.category": "--category", "data.workers": "--workers",
    "data.sector": "--sector", "data.countryOfOrigin": "--country", "data.vacancyRef": "--vacancy-ref",
    "data.vacancyPostedOn": "--vacancy-posted", "data.cat1Role": "--cat1-role",
    "data.positionTitle": "--position-title",
    "data.region": "--region", "data.year": "--year", "data.line": "--line", "data.workerRef": "--worker-ref",
    "data.validFrom": "--valid-from", "data.validUntil": "--valid-until", "data.replaceBy": "--replace-by",
    "data.units": "--units", "data.basis": "--basis", "data.percent": "--percent", "data.laborForce": "--labor-force",
    "data.fromRegion": "--from-region", "data.justification": "--justification", "data.requestId": "REQUEST-ID",
    "data.reason": "--reason", "data.from": "--from", "data.until": "--until",
]

/// The year and line of a quota command.
struct QuotaLineOptions: ParsableArguments {
    @Option(help: "The quota year.") var year: Int64 = Int64(
        Calendar(identifier: .gregorian).component(.year, from: Date()))
    @Option(help: "The quota line: foreign-labour or household-immigrant.") var line = "foreign-labour"
}

// MARK: - Applications

struct ApplicationGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "application", abstract: "File, approve, reject or withdraw quota applications (regions).",
        subcommands: [File.self, Approve.self, Reject.self, Withdraw.self])

    struct File: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "File an application for an employer.")
        @OptionGroup var options: ProfileOptions
        @OptionGroup var quota: QuotaLineOptions
        @Option(help: "The employer's 12-digit BIN.") var employer: String
        @Option(help: "cat1 ... cat4, seasonal, intra-corporate (as the contract names them).") var category: String
        @Option(help: "How many workers.") var workers: Int64
        @Option(help: "The OKED section (A..U).") var sector: String
        @Option(help: "The workers' country of origin (ISO 3166-1 alpha-2).") var country: String
        @Option(help: "The vacancy's reference in the e-labour exchange.") var vacancyRef: String
        @Option(help: "The day the vacancy was posted (YYYY-MM-DD).") var vacancyPosted: String
        @Option(help: "cat1 only: first-head or deputy.") var cat1Role: String?
        @Option(help: "cat1 only: the position's title.") var positionTitle: String?
        @Option(help: "The region (ministry profiles; a region's own by default).") var region: String?
        @Option(help: "The application's id (a new UUID by default).") var id: String?

        func run() throws {
            try record(options) { drafts throws(ClientError) in
                guard let id = id.map({ UUID(text: $0.lowercased()) }) ?? UUID() else {
                    throw ClientError(.invalidInput, "must be a UUID", field: "--id")
                }
                return [
                    drafts.fileApplication(
                        .init(
                            year: quota.year, line: quota.line, employerBin: employer, category: category,
                            workers: workers, sector: sector, countryOfOrigin: country, vacancyRef: vacancyRef,
                            vacancyPostedOn: vacancyPosted, cat1Role: cat1Role, positionTitle: positionTitle),
                        region: region, id: id)
                ]
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a filed application.")
        @OptionGroup var options: ProfileOptions
        @Argument(help: "The application's id (or a unique prefix).") var id: String
        func run() throws {
            try record(options) { d throws(ClientError) in [try d.decideApplication(id, type: "ApplicationApproved")] }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a filed application.")
        @OptionGroup var options: ProfileOptions
        @Argument(help: "The application's id (or a unique prefix).") var id: String
        @Option(help: "Why.") var reason: String
        func run() throws {
            try record(options) { d throws(ClientError) in
                [try d.decideApplication(id, type: "ApplicationRejected", reason: reason)]
            }
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw an application.")
        @OptionGroup var options: ProfileOptions
        @Argument(help: "The application's id (or a unique prefix).") var id: String
        func run() throws {
            try record(options) { d throws(ClientError) in [try d.decideApplication(id, type: "ApplicationWithdrawn")] }
        }
    }
}

// MARK: - Permits

struct PermitGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "permit", abstract: "Issue, extend or revoke work permits (regions).",
        subcommands: [Issue.self, Extend.self, Revoke.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a permit against an approved application.",
            discussion: """
                The worker is given by identity document (--worker-document CC:NUMBER), turned into \
                the deployment's keyed pseudonym before anything is stored, or by --worker-ref.
                """)
        @OptionGroup var options: ProfileOptions
        @Option(help: "The approved application's id (or a unique prefix).") var application: String
        @Option(help: "The worker's identity document: ISO country, colon, number (e.g. UZ:AA1234567).")
        var workerDocument: String?
        @Option(help: "The worker's pseudonym (64 hex digits), when already computed.") var workerRef: String?
        @Option(help: "First valid day (YYYY-MM-DD).") var validFrom: String
        @Option(help: "Last valid day (YYYY-MM-DD).") var validUntil: String
        @Option(help: "cat4: the replacement deadline (YYYY-MM-DD).") var replaceBy: String?
        @Option(help: "The permit's id (a new UUID by default).") var id: String?

        func run() throws {
            let profile = try options.load()
            try record(options) { drafts throws(ClientError) in
                let ref: String
                switch (workerDocument, workerRef) {
                case (let document?, nil):
                    guard let key = profile.pseudonymKey.flatMap(WorkerPseudonym.key(hex:)) else {
                        throw ClientError(.profile, "this profile has no pseudonym key", field: "--worker-document")
                    }
                    guard let computed = WorkerPseudonym.ref(document: document, key: key) else {
                        throw ClientError(
                            .invalidInput, "expected COUNTRY:NUMBER, e.g. UZ:AA1234567", field: "--worker-document")
                    }
                    ref = computed
                case (nil, let given?): ref = given
                default:
                    throw ClientError(
                        .invalidInput, "give exactly one of --worker-document and --worker-ref",
                        field: "--worker-document")
                }
                guard let id = id.map({ UUID(text: $0.lowercased()) }) ?? UUID() else {
                    throw ClientError(.invalidInput, "must be a UUID", field: "--id")
                }
                return [
                    try drafts.issuePermit(
                        .init(
                            application: application, workerRef: ref, validFrom: validFrom, validUntil: validUntil,
                            replaceBy: replaceBy), id: id)
                ]
            }
        }
    }

    struct Extend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Extend an active permit.")
        @OptionGroup var options: ProfileOptions
        @Argument(help: "The permit's id (or a unique prefix).") var id: String
        @Option(help: "The new last valid day (YYYY-MM-DD).") var validUntil: String
        func run() throws {
            try record(options) { d throws(ClientError) in [try d.extendPermit(id, validUntil: validUntil)] }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an active permit.")
        @OptionGroup var options: ProfileOptions
        @Argument(help: "The permit's id (or a unique prefix).") var id: String
        @Option(help: "Why.") var reason: String
        func run() throws { try record(options) { d throws(ClientError) in [try d.revokePermit(id, reason: reason)] } }
    }
}

// MARK: - Quota (ministry) and reallocations

struct ReallocationGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reallocation",
        abstract: "Request (regions), approve or reject (ministry) moving units to a region.",
        subcommands: [Request.self, Approve.self, Reject.self])

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask the ministry for more units.")
        @OptionGroup var options: ProfileOptions
        @OptionGroup var quota: QuotaLineOptions
        @Option(help: "How many units.") var units: Int64
        @Option(help: "A donor region (default: the national reserve).") var fromRegion: String?
        @Option(help: "Why.") var justification: String
        @Option(help: "The request's id (default: a new one).") var requestId: String?
        func run() throws {
            try record(options) { d throws(ClientError) in
                [
                    d.requestReallocation(
                        year: quota.year, line: quota.line, units: units, fromRegion: fromRegion,
                        justification: justification,
                        requestId: requestId ?? "req-" + UUID().uuidString.lowercased().prefix(8))
                ]
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a request (moves the units).")
        @OptionGroup var options: ProfileOptions
        @OptionGroup var quota: QuotaLineOptions
        @Argument(help: "The request's id.") var requestId: String
        @Option(help: "Units to grant (default: all requested).") var units: Int64?
        func run() throws {
            try record(options) { d throws(ClientError) in
                [d.approveReallocation(year: quota.year, line: quota.line, requestId: requestId, units: units)]
            }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a request.")
        @OptionGroup var options: ProfileOptions
        @OptionGroup var quota: QuotaLineOptions
        @Argument(help: "The request's id.") var requestId: String
        @Option(help: "Why.") var reason: String
        func run() throws {
            try record(options) { d throws(ClientError) in
                [d.rejectReallocation(year: quota.year, line: quota.line, requestId: requestId, reason: reason)]
            }
        }
    }
}

struct CeilingGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceiling", abstract: "The national ceiling (ministry).", subcommands: [Set.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the national ceiling of a year and line.")
        @OptionGroup var options: ProfileOptions
        @OptionGroup var quota: QuotaLineOptions
        @Option(help: "Units.") var units: Int64
        @Option(help: "The legal basis (order number and date).") var basis: String
        @Option(help: "The ceiling as a percent of the labour force.") var percent: Double?
        @Option(help: "The labour force the percent is of.") var laborForce: Int64?
        func run() throws {
            try record(options) { d throws(ClientError) in
                [
                    d.setCeiling(
                        year: quota.year, line: quota.line, units: units, basis: basis, percent: percent,
                        laborForce: laborForce)
                ]
            }
        }
    }
}

struct AllocationGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allocation", abstract: "Regional allocations (ministry).", subcommands: [Set.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a region's allocation.")
        @OptionGroup var options: ProfileOptions
        @OptionGroup var quota: QuotaLineOptions
        @Option(help: "The region (ISO 3166-2:KZ, e.g. KZ-75).") var region: String
        @Option(help: "Units.") var units: Int64
        func run() throws {
            try record(options) { d throws(ClientError) in
                [d.setAllocation(year: quota.year, line: quota.line, region: region, units: units)]
            }
        }
    }
}

struct EmployerGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "employer", abstract: "Bar employers from the quota, or lift a bar (ministry).",
        subcommands: [Bar.self, Lift.self])

    struct Bar: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bar an employer for a period.")
        @OptionGroup var options: ProfileOptions
        @Argument(help: "The employer's BIN.") var bin: String
        @Option(help: "First barred day (YYYY-MM-DD).") var from: String
        @Option(help: "Last barred day (YYYY-MM-DD).") var until: String
        @Option(help: "Why.") var reason: String
        func run() throws {
            try record(options) { d throws(ClientError) in
                [d.barEmployer(bin: bin, from: from, until: until, reason: reason)]
            }
        }
    }

    struct Lift: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift an employer's bar.")
        @OptionGroup var options: ProfileOptions
        @Argument(help: "The employer's BIN.") var bin: String
        @Option(help: "Why.") var reason: String
        func run() throws { try record(options) { d throws(ClientError) in [try d.liftBar(bin: bin, reason: reason)] } }
    }
}
