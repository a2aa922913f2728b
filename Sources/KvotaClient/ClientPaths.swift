public import Foundation

/// Where the client keeps its settings and its journals: the XDG base directories, each overridable.
///
/// - settings: `$XDG_CONFIG_HOME/kvota` (default `~/.config/kvota`): one `profiles/<name>.json` per
///   profile (mode 0600: it holds the token and the pseudonym key) and `default-profile`;
/// - data: `$XDG_DATA_HOME/kvota` (default `~/.local/share/kvota`): `<profile>/journal.sqlite`.
public struct ClientPaths: Sendable, Hashable {
    public var configDirectory: URL
    public var dataDirectory: URL

    public init(configDirectory: URL, dataDirectory: URL) {
        self.configDirectory = configDirectory
        self.dataDirectory = dataDirectory
    }

    /// The directories from the environment: `KVOTA_HOME` (both under one directory, for tests and
    /// portable installs), else `XDG_CONFIG_HOME` / `XDG_DATA_HOME`, else the XDG defaults under `HOME`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> ClientPaths
    {
        if let home = environment["KVOTA_HOME"], !home.isEmpty {
            let root = URL(fileURLWithPath: home, isDirectory: true)
            return ClientPaths(
                configDirectory: root.appendingPathComponent("config", isDirectory: true),
                dataDirectory: root.appendingPathComponent("data", isDirectory: true))
        }
        let user = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory(), isDirectory: true)
        func base(_ key: String, _ fallback: String) -> URL {
            if let value = environment[key], value.hasPrefix("/") {
                return URL(fileURLWithPath: value, isDirectory: true)
            }
            return user.appendingPathComponent(fallback, isDirectory: true)
        }
        return ClientPaths(
            configDirectory: base("XDG_CONFIG_HOME", ".config").appendingPathComponent("kvota", isDirectory: true),
            dataDirectory: base("XDG_DATA_HOME", ".local/share").appendingPathComponent("kvota", isDirectory: true))
    }

    var profilesDirectory: URL { configDirectory.appendingPathComponent("profiles", isDirectory: true) }
    var defaultProfileFile: URL { configDirectory.appendingPathComponent("default-profile") }

    func profileFile(_ name: String) -> URL { profilesDirectory.appendingPathComponent("\(name).json") }

    /// The directory of one profile's journal (and its saved audit checkpoint).
    public func dataDirectory(profile name: String) -> URL {
        dataDirectory.appendingPathComponent(name, isDirectory: true)
    }

    public func journalFile(profile name: String) -> URL {
        dataDirectory(profile: name).appendingPathComponent("journal.sqlite")
    }
}
