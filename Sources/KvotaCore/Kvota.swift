/// Names shared by every part of Kvota.
public enum Kvota {
    /// Version of the canonical event encoding (`schema/canonical-encoding.md`).
    public static let canonicalEncodingVersion = 1
}
