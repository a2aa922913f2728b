/// A dictionary in two layers: a large base that copies of the map share, and a small overlay that
/// takes every change. Copying the map and changing the copy costs the changes, not the base, so a
/// writer can plan a transaction on a copy and keep or drop it whole. ``flatten()`` folds the
/// overlay into the base.
///
/// A map that is the only holder of its base (the usual case: a fold, a replay) writes to the base
/// directly, so a lookup or a change hashes its key once.
public struct LayeredMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var base = Base()
    private var overlay: [Key: Value?] = [:]
    /// Overlay size at which a change folds it into the base by itself.
    private static var autoFlatten: Int { 200_000 }

    /// The shared base. Changed only through a holder that is its only one (`isKnownUniquelyReferenced`),
    /// as copy-on-write storage is.
    private final class Base: @unchecked Sendable {
        var entries: [Key: Value] = [:]
    }

    public init() {}

    public subscript(key: Key) -> Value? {
        get {
            if !overlay.isEmpty, let changed = overlay[key] { return changed }
            return base.entries[key]
        }
        set {
            if overlay.isEmpty, isKnownUniquelyReferenced(&base) {
                base.entries[key] = newValue
                return
            }
            overlay[key] = .some(newValue)
            if overlay.count >= LayeredMap.autoFlatten { flatten() }
        }
        // A change in place (`map[key]?.status = ...`): in the base's own storage when this map is
        // its only holder, so the value is neither copied out nor hashed twice.
        _modify {
            if overlay.isEmpty, isKnownUniquelyReferenced(&base) {
                yield &base.entries[key]
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
        base.entries.reserveCapacity(capacity)
    }

    /// Folds the overlay into the base. Cheap when this map is the base's only holder.
    public mutating func flatten() {
        if overlay.isEmpty { return }
        if !isKnownUniquelyReferenced(&base) {
            let copy = Base()
            copy.entries = base.entries
            base = copy
        }
        for (key, value) in overlay {
            if let value { base.entries[key] = value } else { base.entries.removeValue(forKey: key) }
        }
        overlay = [:]
    }

    /// Every entry, overlay applied (order unspecified).
    public var entries: [(key: Key, value: Value)] {
        var result: [(key: Key, value: Value)] = []
        result.reserveCapacity(base.entries.count + overlay.count)
        for (key, value) in base.entries where overlay[key] == nil { result.append((key, value)) }
        for (key, value) in overlay { if let value { result.append((key, value)) } }
        return result
    }

    public var count: Int { overlay.isEmpty ? base.entries.count : entries.count }
}
