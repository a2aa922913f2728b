import Foundation

/// A dictionary in two layers: a large base that copies of the map share, and a small overlay that
/// takes every change. Copying the map and changing the copy costs the changes, not the base, so a
/// writer can plan a transaction on a copy and keep or drop it whole. ``flatten()`` folds the
/// overlay into the base.
///
/// A map that is the only holder of its base (the usual case: a fold, a replay) writes to the base
/// directly.
///
/// The base is 16 dictionaries, each holding the keys whose hash ends in its number, so that growing
/// rehashes a sixteenth of the map at a time: a dictionary of a million entries doubles in about
/// 100 ms, which a server's writer would spend with every push waiting.
public struct LayeredMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var base = Base()
    private var overlay: [Key: Value?] = [:]
    /// Overlay size at which a change folds it into the base by itself.
    private static var autoFlatten: Int { 200_000 }

    /// The shared base. Changed only through a holder that is its only one (`isKnownUniquelyReferenced`),
    /// as copy-on-write storage is.
    private final class Base: @unchecked Sendable {
        var shards = [[Key: Value]](repeating: [:], count: 16)

        /// The shard of a key: for ids and worker pseudonyms, which are random already, a few bits of
        /// their own (the tests of the key's type are resolved when the map is specialized), so that a
        /// lookup hashes once; for other keys their hash.
        @inline(__always) static func shard(_ key: Key) -> Int {
            if Key.self == UUID.self { return Int(unsafeBitCast(key, to: UUID.self).uuid.15 & 15) }
            if Key.self == WorkerYear.self { return unsafeBitCast(key, to: WorkerYear.self).worker.lowBits & 15 }
            return key.hashValue & 15
        }

        subscript(key: Key) -> Value? {
            get { shards[Base.shard(key)][key] }
            _modify { yield &shards[Base.shard(key)][key] }
        }

        var count: Int { shards.reduce(0) { $0 + $1.count } }
    }

    public init() {}

    /// The shard of the base that holds `key` (0..<16).
    static func shard(of key: Key) -> Int { Base.shard(key) }

    public subscript(key: Key) -> Value? {
        get {
            if !overlay.isEmpty, let changed = overlay[key] { return changed }
            return base[key]
        }
        set {
            if overlay.isEmpty, isKnownUniquelyReferenced(&base) {
                base[key] = newValue
                return
            }
            overlay[key] = .some(newValue)
            if overlay.count >= LayeredMap.autoFlatten { flatten() }
        }
        // A change in place (`map[key]?.status = ...`): in the base's own storage when this map is
        // its only holder, so the value is neither copied out nor hashed twice.
        _modify {
            if overlay.isEmpty, isKnownUniquelyReferenced(&base) {
                yield &base[key]
                return
            }
            var value = self[key]
            yield &value
            overlay[key] = .some(value)
            if overlay.count >= LayeredMap.autoFlatten { flatten() }
        }
    }

    /// Changes the value of `key` in place, when there is one, and returns what `body` returns.
    public mutating func update<Result>(_ key: Key, _ body: (inout Value) -> Result) -> Result? {
        { (slot: inout Value?) -> Result? in
            guard slot != nil else { return nil }
            return body(&slot!)
        }(&self[key])
    }

    /// Makes room in the base for `capacity` entries in all, when this map is its only holder (a fold
    /// or a replay that knows how far it goes), so it does not grow by rehashing.
    public mutating func reserveCapacity(_ capacity: Int) {
        guard overlay.isEmpty, isKnownUniquelyReferenced(&base) else { return }
        // A sixteenth each, and a quarter more for shards that hash a little fuller than the rest.
        for shard in base.shards.indices { base.shards[shard].reserveCapacity(capacity / 16 + capacity / 64) }
    }

    /// Folds the overlay into the base. Cheap when this map is the base's only holder.
    public mutating func flatten() {
        if overlay.isEmpty { return }
        if !isKnownUniquelyReferenced(&base) {
            let copy = Base()
            copy.shards = base.shards
            base = copy
        }
        for (key, value) in overlay {
            base[key] = value
        }
        overlay = [:]
    }

    /// Every entry, overlay applied (order unspecified).
    public var entries: [(key: Key, value: Value)] {
        var result: [(key: Key, value: Value)] = []
        result.reserveCapacity(base.count + overlay.count)
        for shard in base.shards {
            for (key, value) in shard where overlay[key] == nil { result.append((key, value)) }
        }
        for (key, value) in overlay { if let value { result.append((key, value)) } }
        return result
    }

    public var count: Int { overlay.isEmpty ? base.count : entries.count }
}
