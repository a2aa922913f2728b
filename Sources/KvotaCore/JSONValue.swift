/// A JSON document as Kvota stores it: the payload (`data`) and metadata (`meta`) of events.
///
/// Numbers keep the distinction JSON text makes: a literal without fraction or exponent that fits in
/// a safe integer (|n| < 2^53) is an ``int``; anything else is a ``double``. Objects keep their members
/// sorted in canonical order (see ``JSONObject``), so two equal documents are `==` and encode to the
/// same canonical bytes.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The largest integer magnitude that JSON consumers (JavaScript, most JSON libraries) read exactly.
    public static let maxSafeInteger: Int64 = 9_007_199_254_740_991

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) <= Double(Self.maxSafeInteger): return Int64(d)
        default: return nil
        }
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member `key` of an object, or nil for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

/// A JSON object whose members are kept sorted by key in canonical order (UTF-16 code units, RFC 8785),
/// with unique keys.
public struct JSONObject: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// Members in canonical key order.
    public private(set) var members: [Member]

    public init() { members = [] }

    /// Builds an object from members in any order. Keys must be unique; a repeated key keeps the last value.
    public init(_ members: [Member]) {
        var sorted = members
        if !JSONObject.isCanonicallySorted(sorted) {
            sorted.sort { JSONObject.precedes($0.key, $1.key) }
        }
        var unique: [Member] = []
        unique.reserveCapacity(sorted.count)
        for member in sorted {
            if let last = unique.last, last.key == member.key {
                unique[unique.count - 1] = member
            } else {
                unique.append(member)
            }
        }
        self.members = unique
    }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.init(pairs.map { Member($0.key, $0.value) })
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    public subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                let index = members.firstIndex { JSONObject.precedes(key, $0.key) } ?? members.endIndex
                members.insert(Member(key, newValue), at: index)
            }
        }
    }

    /// Canonical key order of RFC 8785: lexicographic by UTF-16 code units.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        if a.utf8.allSatisfy({ $0 < 0x80 }) && b.utf8.allSatisfy({ $0 < 0x80 }) {
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        return a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    static func isCanonicallySorted(_ members: [Member]) -> Bool {
        var index = 1
        while index < members.count {
            if !precedes(members[index - 1].key, members[index].key) { return false }
            index += 1
        }
        return true
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member($0.0, $0.1) }))
    }
}
