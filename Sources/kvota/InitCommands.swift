import ArgumentParser
import Foundation
import KvotaClient
import KvotaCore

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a profile: a server, a token and this device's name.",
        discussion: """
            Asks the server who the token is (name, role, region) and, for region and ministry \
            tokens, fetches the deployment's pseudonym key; both are kept with the token in a \
            0600 file. The first profile becomes the default.
            """)

    @Option(help: "The server's base URL, e.g. https://kvota.example.kz") var server: String
    @Option(help: "The token printed by `kvotad token create`.") var token: String
    @Option(help: "This device's name, written into each event's meta.") var device: String
    @Option(help: "The profile's name (default: the token's name).") var profile: String?
    @Flag(help: "Make this profile the default.") var makeDefault = false

    func run() async throws {
        let paths = ClientPaths.fromEnvironment()
        let profile = try await runAsync { () async throws(ClientError) in
            guard !device.isEmpty, device.utf8.count <= 200 else {
                throw ClientError(.invalidInput, "a device name is 1 to 200 characters", field: "--device")
            }
            let api = ServerAPI(baseURL: server, token: token, attempts: 2)
            let principal = try await api.whoAmI()
            let key = principal.role == .auditor ? nil : try await api.pseudonymKey()
            let profile = Profile(
                name: self.profile ?? principal.name, server: api.baseURL, token: token, deviceId: device,
                tokenName: principal.name, role: principal.role, region: principal.region?.rawValue,
                pseudonymKey: key.map { $0.map { String(format: "%02x", $0) }.joined() })
            let store = ProfileStore(paths: paths)
            try store.save(profile)
            if makeDefault { try store.setDefault(profile.name) }
            _ = try Journal(path: paths.journalFile(profile: profile.name).path)
            return profile
        }
        print(
            "profile \(profile.name): \(profile.tokenName) (\(profile.role.rawValue)\(profile.region.map { " \($0)" } ?? "")) "
                + "on \(profile.server), device \(profile.deviceId); journal \(paths.journalFile(profile: profile.name).path)"
        )
    }
}

struct Profiles: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the profiles, or choose the default one.")
    @Option(help: "Make this profile the default.") var use: String?

    func run() throws {
        let store = ProfileStore(paths: ClientPaths.fromEnvironment())
        if let use { try kvotaRun { () throws(ClientError) in try store.setDefault(use) } }
        let current = try? store.defaultName()
        for name in store.names() {
            guard let profile = try? store.load(name) else { continue }
            print(
                "\(name == current ? "*" : " ") \(name)  \(profile.role.rawValue)\(profile.region.map { " \($0)" } ?? "")  "
                    + "\(profile.server)  device \(profile.deviceId)")
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What waits to be sent, what needs attention, the last sync and the server's head.")
    @OptionGroup var options: ProfileOptions
    @Flag(help: "JSON for scripts.") var json = false

    func run() throws {
        let (profile, journal) = try options.open()
        let (counts, lastSync, head, cursor, pulled) = try kvotaRun { () throws(ClientError) in
            (
                try journal.counts(), try journal.setting("lastSync"), try journal.setting("serverHead"),
                try journal.cursor(), try journal.pulledCount()
            )
        }
        let attention = (counts[.conflict] ?? 0) + (counts[.rejected] ?? 0) + (counts[.blocked] ?? 0)
        if json {
            printJSON(
                .object([
                    "profile": .string(profile.name), "pending": .int(Int64(counts[.pending] ?? 0)),
                    "sent": .int(Int64(counts[.sent] ?? 0)), "conflicts": .int(Int64(attention)),
                    "held": .int(Int64(counts[.held] ?? 0)), "lastSync": lastSync.map(JSONValue.string) ?? .null,
                    "serverHead": head.flatMap { Int64($0) }.map(JSONValue.int) ?? .null, "cursor": .int(cursor),
                    "pulledEvents": .int(Int64(pulled)),
                ]))
            return
        }
        print(
            "profile     \(profile.name) (\(profile.tokenName), \(profile.role.rawValue)\(profile.region.map { " \($0)" } ?? "")) on \(profile.server)"
        )
        print(
            "pending     \(counts[.pending] ?? 0) to send\((counts[.sent] ?? 0) > 0 ? ", \(counts[.sent] ?? 0) sent and not yet pulled back" : "")"
        )
        print(
            "conflicts   \(attention)\(attention > 0 ? " (see `kvota conflicts`)" : "")\((counts[.held] ?? 0) > 0 ? ", \(counts[.held] ?? 0) held for a reallocation" : "")"
        )
        print("last sync   \(lastSync ?? "never")")
        print("server head \(head ?? "unknown") (as of last sync); pulled through \(cursor), \(pulled) events here")
    }
}
