/// A dictionary in two layers: a large base that copies of the map share, and a small overlay that
/// takes every change. Copying the map and changing the copy costs the changes, not the base, so a
/// writer can plan a transaction on a copy and keep or drop it whole. ``flatten()`` folds the
/// overlay into the base.
public struct LayeredMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var base: [Key: Value] = [:]
    private var overlay: [Key: Value?] = [:]
    /// Overlay size at which a change folds it into the base by itself.
    private static var autoFlatten: Int { 200_000 }

    public init() {}

    public subscript(key: Key) -> Value? {
        get {
            if let changed = overlay[key] { return changed }
            return base[key]
        }
        set {
            overlay[key] = .some(newValue)
            if overlay.count >= LayeredMap.autoFlatten { flatten() }
        }
    }

    /// Folds the overlay into the base. Cheap when this map is the base's only holder.
    public mutating func flatten() {
        if overlay.isEmpty { return }
        for (key, value) in overlay {
            if let value { base[key] = value } else { base.removeValue(forKey: key) }
        }
        overlay = [:]
    }

    /// Every entry, overlay applied (order unspecified).
    public var entries: [(key: Key, value: Value)] {
        var result: [(key: Key, value: Value)] = []
        result.reserveCapacity(base.count + overlay.count)
        for (key, value) in base where overlay[key] == nil { result.append((key, value)) }
        for (key, value) in overlay { if let value { result.append((key, value)) } }
        return result
    }

    public var count: Int { entries.count }
}
