public import Foundation
import KvotaCore

/// The replayed pulled log (``LocalView/Pulled``) kept beside the journal, in `<journal>.state`, so
/// that a command on a long journal folds only the events pulled since, not the whole log again.
///
/// Derived data: it can always be made again from the journal, and it is used only when it reads
/// and belongs to this journal (the event at its position has the leaf hash it recorded); otherwise
/// the log is replayed from position 0 and a new one written.
extension LocalView.Pulled {
    static let magic: [UInt8] = Array("KPS".utf8) + [1]
    /// Events folded past the saved snapshot after which a command saves a new one.
    public static let saveAfter = 5_000

    public static func file(_ journal: Journal) -> URL { URL(fileURLWithPath: journal.queue.path + ".state") }

    /// The snapshot of this journal, if there is one that reads and matches it.
    public static func load(_ journal: Journal) -> LocalView.Pulled? {
        guard let bytes = try? Array(Data(contentsOf: file(journal))), bytes.starts(with: magic) else { return nil }
        var reader = PulledReader(bytes: bytes, index: magic.count)
        guard let pulled = reader.pulled(), pulled.position >= 0,
            (try? journal.leafHash(at: pulled.position)) == reader.leafHash
        else { return nil }
        return pulled
    }

    /// Writes this state as the journal's snapshot (atomically: a reader sees the old one or the new).
    func save(_ journal: Journal) throws {
        guard position >= 0, let leafHash = try journal.leafHash(at: position) else { return }
        var out = LocalView.Pulled.magic
        func int(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ value: String) {
            int(Int64(value.utf8.count))
            out.append(contentsOf: value.utf8)
        }
        int(position)
        int(last?.microseconds ?? Int64.min)
        int(Int64(events))
        out.append(contentsOf: leafHash)
        int(Int64(streams.count))
        for (name, head) in streams {
            string(name)
            int(head.version)
            string(head.region ?? "")
        }
        out.append(contentsOf: state.snapshot)
        try Data(out).write(to: LocalView.Pulled.file(journal), options: .atomic)
    }
}

private struct PulledReader {
    let bytes: [UInt8]
    var index: Int
    var leafHash: [UInt8] = []

    mutating func int() -> Int64? {
        guard index + 8 <= bytes.count else { return nil }
        var value: Int64 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: bytes[index..<(index + 8)]) }
        index += 8
        return Int64(littleEndian: value)
    }

    mutating func string() -> String? {
        guard let count = int(), count >= 0, count <= bytes.count - index else { return nil }
        defer { index += Int(count) }
        return String(decoding: bytes[index..<(index + Int(count))], as: UTF8.self)
    }

    mutating func pulled() -> LocalView.Pulled? {
        var pulled = LocalView.Pulled()
        guard let position = int(), let last = int(), let events = int(), index + 32 <= bytes.count else { return nil }
        pulled.position = position
        pulled.last = last == Int64.min ? nil : Timestamp(microsecondsSinceEpoch: last)
        pulled.events = Int(events)
        leafHash = Array(bytes[index..<(index + 32)])
        index += 32
        guard let count = int(), count >= 0, count <= bytes.count - index else { return nil }
        pulled.streams.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let name = string(), let version = int(), let region = string() else { return nil }
            pulled.streams[name] = LogSnapshot.StreamHead(version: version, region: region.isEmpty ? nil : region)
        }
        guard let state = QuotaState(snapshot: Array(bytes[index...])) else { return nil }
        pulled.state = state
        return pulled
    }
}

extension Journal {
    /// The stored leaf hash of the pulled event at `position`, or nil when there is none.
    func leafHash(at position: Int64) throws(ClientError) -> [UInt8]? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT leaf_hash FROM events WHERE position = ?", arguments: [position])
                .map { Array($0) }
        }
    }
}
