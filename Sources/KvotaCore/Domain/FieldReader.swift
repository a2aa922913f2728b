import Foundation

/// Reads typed fields out of an event's `data`, refusing with `invalid-field` naming `data.<field>`
/// and the rule it breaks. Unknown members are refused too: what is stored is what was meant.
struct FieldReader {
    let data: JSONObject
    /// How many of the members were read; when fewer than there are, one is unknown.
    private var found = 0
    /// The members read, by index (the first 64; a rule reads far fewer keys, so an unread member
    /// is always among them).
    private var read: UInt64 = 0

    init(_ data: JSONObject) { self.data = data }

    private func fail(_ key: String, _ rule: String) -> Rejection {
        Rejection(code: "invalid-field", message: "data.\(key) \(rule)", field: "data.\(key)")
    }

    private mutating func value(_ key: String) -> JSONValue? {
        guard let index = data.index(of: key) else { return nil }
        let value = data.members[index].value
        if index < 64 { read |= 1 << UInt64(index) }
        found += 1
        if value.isNull { return Optional.none }  // (a bare `nil` here would read as JSONValue.null)
        return value
    }

    mutating func string(_ key: String, maxLength: Int = 500) throws(Rejection) -> String {
        guard let text = try optionalString(key, maxLength: maxLength) else { throw fail(key, "is required") }
        return text
    }

    mutating func optionalString(_ key: String, maxLength: Int = 500) throws(Rejection) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw fail(key, "must be a string") }
        guard !text.isEmpty, text.count <= maxLength else { throw fail(key, "must be 1 to \(maxLength) characters") }
        return text
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int64>) throws(Rejection) -> Int64 {
        guard let value = try optionalInteger(key, in: range) else { throw fail(key, "is required") }
        return value
    }

    mutating func optionalInteger(_ key: String, in range: ClosedRange<Int64>) throws(Rejection) -> Int64? {
        guard let value = value(key) else { return nil }
        guard case .int(let number) = value else { throw fail(key, "must be a whole number") }
        guard range.contains(number) else {
            throw fail(key, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    mutating func optionalNumber(_ key: String, in range: ClosedRange<Double>) throws(Rejection) -> Double? {
        guard let value = value(key) else { return nil }
        let number: Double
        switch value {
        case .int(let i): number = Double(i)
        case .double(let d): number = d
        default: throw fail(key, "must be a number")
        }
        guard range.contains(number) else {
            throw fail(key, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    mutating func parsed<T>(_ key: String, _ rule: String, _ parse: (String) -> T?) throws(Rejection) -> T {
        guard let value = try optionalParsed(key, rule, parse) else { throw fail(key, "is required") }
        return value
    }

    mutating func optionalParsed<T>(_ key: String, _ rule: String, _ parse: (String) -> T?) throws(Rejection) -> T? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value, let parsed = parse(text) else { throw fail(key, rule) }
        return parsed
    }

    mutating func region(_ key: String = "region") throws(Rejection) -> Region {
        try parsed(key, "must be one of the 20 region codes (KZ-10 ... KZ-79)") { Region(code: $0) }
    }

    mutating func date(_ key: String) throws(Rejection) -> CalendarDate {
        try parsed(key, "must be a date YYYY-MM-DD") { CalendarDate($0) }
    }

    mutating func uuid(_ key: String) throws(Rejection) -> UUID {
        try parsed(key, "must be a UUID") { UUID(text: $0) }
    }

    /// Refuses members that no rule read.
    func finish() throws(Rejection) {
        guard found < data.count else { return }
        if let unknown = data.members.indices.first(where: { $0 >= 64 || read & (1 << UInt64($0)) == 0 }) {
            throw fail(data.members[unknown].key, "is not a field of this event type")
        }
    }

    /// A rule on the values read, failing with the field and the rule.
    func require(_ condition: Bool, _ key: String, _ rule: String) throws(Rejection) {
        if !condition { throw fail(key, rule) }
    }
}
