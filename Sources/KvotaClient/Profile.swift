import Foundation
public import KvotaCore

/// One identity on one server: the token, who it is (name, role, region), the device name written into
/// each event's `meta`, and the deployment's pseudonym key. Kept in a 0600 file: it is a credential.
public struct Profile: Sendable, Hashable, Codable {
    public var name: String
    public var server: String
    public var token: String
    public var deviceId: String
    public var tokenName: String
    public var role: TokenRole
    public var region: String?
    /// Hex of the deployment's pseudonym key (`GET /v1/pseudonym-key`); nil for auditors.
    public var pseudonymKey: String?

    public init(
        name: String, server: String, token: String, deviceId: String, tokenName: String, role: TokenRole,
        region: String?, pseudonymKey: String?
    ) {
        self.name = name
        self.server = server
        self.token = token
        self.deviceId = deviceId
        self.tokenName = tokenName
        self.role = role
        self.region = region
        self.pseudonymKey = pseudonymKey
    }

    /// Who writes the events this profile records.
    public var principal: Principal {
        Principal(name: tokenName, role: role, region: region.flatMap(Region.init(rawValue:)))
    }

    /// A profile name is a file name: letters, digits, `-`, `_`, `.`, 1 to 64 characters, not starting with `.`.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), !name.hasPrefix(".") else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E
        }
    }
}

/// Reads and writes profiles under ``ClientPaths``.
public struct ProfileStore: Sendable {
    public let paths: ClientPaths

    public init(paths: ClientPaths) { self.paths = paths }

    /// Saves a profile (mode 0600, written to a temporary file and renamed), and makes it the default
    /// when there is none yet.
    public func save(_ profile: Profile) throws(ClientError) {
        guard Profile.isValidName(profile.name) else {
            throw ClientError(
                .invalidInput, "a profile name is 1 to 64 letters, digits, '-', '_' or '.'", field: "--profile")
        }
        do {
            try FileManager.default.createDirectory(
                at: paths.profilesDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writePrivate(encoder.encode(profile), to: paths.profileFile(profile.name))
            if (try? defaultName()) == nil {
                try writePrivate(Data(profile.name.utf8), to: paths.defaultProfileFile)
            }
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.profile, "cannot write the profile: \(error)")
        }
    }

    /// Makes `name` the profile used when none is named.
    public func setDefault(_ name: String) throws(ClientError) {
        _ = try load(name)
        do { try writePrivate(Data(name.utf8), to: paths.defaultProfileFile) } catch {
            throw ClientError(.profile, "cannot write \(paths.defaultProfileFile.path): \(error)")
        }
    }

    /// The profile named, or the default one.
    public func load(_ requested: String? = nil) throws(ClientError) -> Profile {
        let name: String
        if let requested { name = requested } else { name = try defaultName() }
        let file = paths.profileFile(name)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ClientError(
                .profile, "no profile '\(name)' (looked in \(file.path)); create it with `kvota init`",
                field: "--profile")
        }
        do { return try JSONDecoder().decode(Profile.self, from: data) } catch {
            throw ClientError(.profile, "the profile \(file.path) cannot be read: \(error)")
        }
    }

    /// Every profile's name, sorted.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: paths.profilesDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    public func defaultName() throws(ClientError) -> String {
        guard let data = FileManager.default.contents(atPath: paths.defaultProfileFile.path),
            let name = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !name.isEmpty
        else {
            throw ClientError(
                .profile, "no profile yet: create one with `kvota init --server URL --token T --device NAME`")
        }
        return name
    }

    private func writePrivate(_ data: Data, to file: URL) throws {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).tmp")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw ClientError(.profile, "cannot create \(temporary.path)") }
        if rename(temporary.path, file.path) != 0 {
            throw ClientError(.profile, "cannot rename \(temporary.path): \(String(cString: strerror(errno)))")
        }
    }
}
