import ArgumentParser
import Foundation
import KvotaCore
import KvotaStore

/// `kvotad token create|list|revoke` (contract, Server commands): run on the server host.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke bearer tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; prints it once, alone on the last line of stdout (only its hash is kept).")

        @OptionGroup var options: CommonOptions
        @Option(help: "A name for the token, recorded as meta.actor of every event it pushes (never reused).")
        var name: String
        @Option(help: "region, ministry or auditor.") var role: String
        @Option(help: "For a region token: its region, ISO 3166-2 (KZ-75 is Almaty).") var region: String?

        func validate() throws {
            guard TokenRole(rawValue: role) != nil else {
                throw ValidationError("--role must be region, ministry or auditor")
            }
            if let region, Region(rawValue: region) == nil {
                throw ValidationError(
                    "--region must be one of \(Region.allCases.map(\.rawValue).joined(separator: ", ")), got \(region)")
            }
        }

        func run() async throws {
            let role = TokenRole(rawValue: role)!
            let region = region.flatMap(Region.init(rawValue:))
            let secret = try await options.withStore { store, _ in
                try await store.createToken(name: name, role: role, region: region)
            }
            print(
                "created \(role.rawValue) token \(name)\(region.map { " for \($0.rawValue) \($0.name)" } ?? ""); it is shown once:"
            )
            print(secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let tokens = try await options.withStore { store, _ in try await store.listTokens() }
            print(
                "name".padding(toLength: 24, withPad: " ", startingAt: 0)
                    + "role      region  created                      revoked")
            for token in tokens {
                let principal = token.principal
                print(
                    principal.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                        + principal.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + (principal.region?.rawValue ?? "-").padding(toLength: 8, withPad: " ", startingAt: 0)
                        + token.createdAt.rfc3339 + "  " + (token.revokedAt?.rfc3339 ?? "-"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token at once (servers stop trusting it within KVOTA_TOKEN_CACHE_SECONDS).")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            let revoked = try await options.withStore { store, _ in try await store.revokeToken(name: name) }
            guard revoked else { throw ValidationError("no active token is named \(name)") }
            print("revoked token \(name)")
        }
    }
}
