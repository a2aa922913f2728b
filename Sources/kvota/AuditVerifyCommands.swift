import ArgumentParser
import Foundation
import KvotaAudit
import KvotaClient
import KvotaCore

extension AuditGroup {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove the history complete and unaltered, and every decision in it within the rules.",
            discussion: """
                Downloads the whole log (or reads an export bundle), recomputes every leaf from the \
                canonical bytes and the Merkle root, checks the checkpoint's signature with the pinned \
                key (pinned on first use, or given with --key), checks that the checkpoint is consistent \
                with the last one this profile verified (never shrinking, never forked), and replays every \
                event through the quota rules, checking the invariants at every prefix. Reports the first \
                position that fails. Exit status 0 only when everything holds, 5 otherwise.
                """)
        @OptionGroup var options: ProfileOptions
        @Option(help: "Verify an export bundle (kvota audit export DIR) instead of the server's log.")
        var fromBundle: String?
        @Option(help: "The verifier key to trust (name+keyid+base64), instead of the pinned one.") var key: String?
        @Flag(help: "JSON for scripts.") var json = false

        func run() async throws {
            let profile = try options.load()
            let paths = options.paths
            let audit = AuditVerification(directory: paths.dataDirectory(profile: profile.name))
            let outcome = try await runAsync { () async throws(ClientError) -> AuditVerification.Outcome in
                if let fromBundle {
                    return try audit.verifyBundle(URL(fileURLWithPath: fromBundle, isDirectory: true), key: key)
                }
                guard profile.role != .region else {
                    throw ClientError(
                        .invalidInput, "the whole log covers every region: use a ministry or auditor profile",
                        field: "--profile")
                }
                return try await audit.verifyOnline(api: ServerAPI(profile: profile), key: key)
            }
            let report = outcome.report
            let rate = outcome.seconds > 0 ? Double(report.size) / outcome.seconds : 0
            if json {
                printJSON(
                    .object([
                        "valid": .bool(report.isValid), "size": .int(Int64(report.size)),
                        "root": .string(report.root.hex),
                        "checkpointSize": .int(Int64(outcome.checkpoint.size)), "streams": .int(Int64(report.streams)),
                        "keyPinnedNow": .bool(outcome.keyPinned),
                        "consistentWith": outcome.consistentWith.map { .int(Int64($0)) } ?? .null,
                        "failure": report.failure.map { failure in
                            .object([
                                "kind": .string(failure.kind.rawValue),
                                "position": failure.position.map(JSONValue.int) ?? .null,
                                "code": .string(failure.code), "message": .string(failure.message),
                            ])
                        } ?? .null,
                        "seconds": .double(outcome.seconds), "eventsPerSecond": .double(rate.rounded()),
                    ]))
            } else {
                if outcome.keyPinned { print("pinned the log's key on first use") }
                if let size = outcome.consistentWith {
                    print("consistent with the checkpoint of size \(size) verified before")
                }
                if let failure = report.failure {
                    print("NOT VERIFIED: \(failure)")
                } else {
                    print(
                        String(
                            format:
                                "verified %llu events (%d streams), root %@ signed at size %llu; every decision within the rules (%.1f s, %.0f events/s)",
                            report.size, report.streams, report.root.hex, outcome.checkpoint.size, outcome.seconds, rate
                        ))
                }
            }
            if !report.isValid { throw ExitCode(5) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a self-contained bundle (events, signed checkpoint, key) for offline verification.")
        @OptionGroup var options: ProfileOptions
        @Argument(help: "The directory to write (created).") var directory: String

        func run() async throws {
            let profile = try options.load()
            let (size, bytes) = try await runAsync { () async throws(ClientError) in
                try await AuditVerification.export(
                    api: ServerAPI(profile: profile), to: URL(fileURLWithPath: directory, isDirectory: true))
            }
            print(
                "exported \(size) events (\(bytes / 1_048_576) MiB) with their signed checkpoint and key to \(directory); "
                    + "verify with `kvota audit verify --from-bundle \(directory)`")
        }
    }
}
