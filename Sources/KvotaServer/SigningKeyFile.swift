import Foundation
public import KvotaAudit

/// The checkpoint signing key on disk (`KVOTA_SIGNING_KEY_FILE`): one line, the C2SP signer key
/// `PRIVATE+KEY+<name>+<key id>+<base64 key>`, which carries the key's name (the log origin) with it.
/// Created with mode 0600 when absent; several servers may share the file, and may start together:
/// the file appears whole or not at all (written aside, then linked into place).
public enum SigningKeyFile {
    static let setting = "KVOTA_SIGNING_KEY_FILE"

    /// Reads the key at `path`, or creates one named `name()` there when there is none. `origin`, when
    /// given, must be the name of an existing key.
    public static func loadOrCreate(path: String, origin: String?, name: () async throws -> String)
        async throws -> NoteSigner
    {
        if let signer = try read(path) {
            if let origin, origin != signer.name {
                throw ConfigurationError(
                    key: "KVOTA_LOG_ORIGIN",
                    message: "is \(origin), but the key in \(path) is named \(signer.name): the origin is the "
                        + "key's name; unset KVOTA_LOG_ORIGIN or use a key file made for it")
            }
            return signer
        }
        let signer: NoteSigner
        let keyName = if let origin { origin } else { try await name() }
        do {
            signer = try NoteSigner.generate(name: keyName)
        } catch {
            throw ConfigurationError(key: "KVOTA_LOG_ORIGIN", message: "is not a usable key name: \(error.message)")
        }
        try create(path, contents: signer.signerKey + "\n")
        // Another server may have created the file first: its key is the one.
        guard let written = try read(path) else {
            throw ConfigurationError(key: setting, message: "\(path) vanished after it was created")
        }
        return written
    }

    /// Key names are non-empty, without spaces, `+` or control characters (C2SP signed-note).
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                scalar != "+" && !scalar.properties.isWhitespace && scalar.value >= 0x20 && scalar.value != 0x7F
            }
    }

    /// The key in the file, nil when there is no file.
    static func read(_ path: String) throws -> NoteSigner? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(key: setting, message: "\(path) cannot be read: \(error.localizedDescription)")
        }
        do {
            return try NoteSigner(signerKey: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw ConfigurationError(key: setting, message: "\(path) does not hold a signer key: \(error.message)")
        }
    }

    /// Writes `contents` to a private file beside `path`, then links it into place unless a file is
    /// there already.
    private static func create(_ path: String, contents: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ConfigurationError(
                    key: setting, message: "\(directory) cannot be created: \(error.localizedDescription)")
            }
        }
        let temporary = path + ".\(getpid()).\(UInt32.random(in: .min ... .max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw ConfigurationError(key: setting, message: "\(temporary) cannot be created: \(errnoText())")
        }
        defer { unlink(temporary) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            throw ConfigurationError(key: setting, message: "\(temporary) cannot be written: \(errnoText())")
        }
        if link(temporary, path) != 0 && errno != EEXIST {
            throw ConfigurationError(key: setting, message: "\(path) cannot be created: \(errnoText())")
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
