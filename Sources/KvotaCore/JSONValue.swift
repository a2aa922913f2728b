/// A JSON document as Kvota stores it: the payload (`data`) and metadata (`meta`) of events.
///
/// Numbers keep the distinction JSON text makes: a literal without fraction or exponent that fits in
/// a safe integer (|n| < 2^53) is an ``int``; anything else is a ``double``. Objects keep their members
/// sorted in canonical order (see ``JSONObject``), so two equal documents are `==` and encode to the
/// same canonical bytes.
public enum JSONValue: Sendable {
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

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
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
    public struct Member: Sendable {
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
        // Canonical input (strictly increasing keys) is taken as it is: sorted, and unique.
        if JSONObject.isCanonicallySorted(members) {
            self.members = members
            return
        }
        var sorted = members
        sorted.sort { JSONObject.precedes($0.key, $1.key) }
        var unique: [Member] = []
        unique.reserveCapacity(sorted.count)
        for member in sorted {
            if let last = unique.last, JSONObject.sameKey(last.key, member.key) {
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
            guard let index = index(of: key) else { return nil }
            return members[index].value
        }
        set {
            if let index = members.firstIndex(where: { JSONObject.sameKey($0.key, key) }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                let index = members.firstIndex { JSONObject.precedes(key, $0.key) } ?? members.endIndex
                members.insert(Member(key, newValue), at: index)
            }
        }
    }

    /// The index of the member `key` in ``members``, or nil.
    func index(of key: String) -> Int? {
        let count = key.utf8.count
        for index in members.indices where members[index].key.utf8.count == count {
            if JSONObject.sameKey(members[index].key, key) { return index }
        }
        return nil
    }

    /// Canonical key order of RFC 8785: lexicographic by UTF-16 code units.
    ///
    /// UTF-8 byte order is code point order, which agrees with UTF-16 order except between a
    /// supplementary character (lead byte F0-F4) and one of U+E000-U+FFFF (lead byte EE or EF): only
    /// when the first differing bytes are both such lead bytes are UTF-16 code units compared.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?):
                if x == y { continue }
                if x >= 0xEE && y >= 0xEE { return a.utf16.lexicographicallyPrecedes(b.utf16) }
                return x < y
            }
        }
    }

    /// Keys are the same when their code points are: no Unicode normalization (RFC 8785 compares
    /// code units; `String ==` would equate "é" and "e\u{301}").
    static func sameKey(_ a: String, _ b: String) -> Bool {
        let left = a.utf8
        let right = b.utf8
        guard left.count == right.count else { return false }
        let fast = left.withContiguousStorageIfAvailable { x in
            right.withContiguousStorageIfAvailable { y -> Bool in
                for index in 0..<x.count where x[index] != y[index] { return false }
                return true
            }
        }
        if let result = fast ?? nil { return result }
        return Array(left) == Array(right)
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

// Equality is by code points, as the canonical bytes are: "é" and "e\u{301}" are different strings.
extension JSONValue: Hashable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return JSONObject.sameKey(a, b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(i)
        case .double(let d): hasher.combine(d)
        case .string(let s): JSONObject.hashBytes(s, into: &hasher)
        case .array(let a): hasher.combine(a)
        case .object(let o): hasher.combine(o)
        }
    }
}

extension JSONObject.Member: Hashable {
    public static func == (lhs: JSONObject.Member, rhs: JSONObject.Member) -> Bool {
        JSONObject.sameKey(lhs.key, rhs.key) && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        JSONObject.hashBytes(key, into: &hasher)
        hasher.combine(value)
    }
}

extension JSONObject {
    static func hashBytes(_ string: String, into hasher: inout Hasher) {
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(string.utf8.count)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { Member($0.0, $0.1) })
    }
}
