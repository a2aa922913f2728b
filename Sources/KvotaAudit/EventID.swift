import Crypto
public import Foundation

/// Event ids the server derives instead of generating, so that several servers recording the same
/// fact store it once (the contract's expiry events): UUIDv5 (RFC 9562) of `<stream>/<type>` in
/// Kvota's namespace.
public enum DerivedEventID {
    /// The namespace of Kvota's derived ids.
    public static let namespace = UUID(uuidString: "6b766f74-612d-4b76-8f74-612d65766e74")!

    /// UUIDv5 of `name` in `namespace`.
    public static func v5(namespace: UUID, name: String) -> UUID {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace.bytes)
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(bytes: bytes)!
    }

    /// The id of the event of `type` that the server records once on `stream` (for example `PermitExpired`).
    public static func once(stream: String, type: String) -> UUID {
        v5(namespace: namespace, name: "\(stream)/\(type)")
    }
}
