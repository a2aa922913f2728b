public import Foundation

/// A year and line of the quota: one `quota-<year>-<line>` stream.
public struct QuotaKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int64
    public var line: QuotaLine

    public init(year: Int64, line: QuotaLine) {
        self.year = year
        self.line = line
    }

    public var stream: String { "quota-\(year)-\(line.rawValue)" }
    public var description: String { "\(year) \(line.rawValue)" }

    public static func < (lhs: QuotaKey, rhs: QuotaKey) -> Bool {
        (lhs.year, lhs.line.rawValue) < (rhs.year, rhs.line.rawValue)
    }

    public static let years: ClosedRange<Int64> = 2000...2100
}

/// What a stream name denotes in the domain.
public enum StreamRef: Sendable, Hashable {
    case quota(QuotaKey)
    case application(UUID)
    case permit(UUID)
    case employer(BIN)

    public init(_ stream: String) throws(Rejection) {
        if let ref = StreamRef.entity(stream) {
            self = ref
            return
        }
        func fail(_ rule: String) -> Rejection {
            Rejection(code: "invalid-field", message: "stream \(rule)", field: "stream")
        }
        let parts = stream.split(separator: "-", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw fail("must be quota-<year>-<line>, application-<uuid>, permit-<uuid> or employer-<bin>")
        }
        switch parts[0] {
        case "quota":
            let rest = parts[1].split(separator: "-", maxSplits: 1).map(String.init)
            // The year exactly as written back (no leading zeros): one year, one stream.
            guard rest.count == 2, let year = Int64(rest[0]), String(year) == rest[0], QuotaKey.years.contains(year),
                let line = QuotaLine(rawValue: rest[1])
            else { throw fail("must be quota-<year 2000-2100>-<foreign-labour|household-immigrant>") }
            self = .quota(QuotaKey(year: year, line: line))
        case "application":
            guard let id = UUID(text: parts[1]), StreamRef.isLowercase(parts[1]) else {
                throw fail("must be application-<lowercase uuid>")
            }
            self = .application(id)
        case "permit":
            guard let id = UUID(text: parts[1]), StreamRef.isLowercase(parts[1]) else {
                throw fail("must be permit-<lowercase uuid>")
            }
            self = .permit(id)
        case "employer":
            guard let bin = BIN(parts[1]) else {
                throw fail("must be employer-<BIN: 12 digits with a valid check digit>")
            }
            self = .employer(bin)
        default:
            throw fail("category must be quota, application, permit or employer")
        }
    }

    /// The common, well-formed `application-<uuid>`, `permit-<uuid>` and `employer-<bin>` streams read
    /// straight from their bytes; nil for anything else, which the general reader then reads (and
    /// refuses with its reason).
    static func entity(_ stream: String) -> StreamRef? {
        let utf8 = stream.utf8
        func hasPrefix(_ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            var index = utf8.startIndex
            for offset in 0..<count {
                guard index != utf8.endIndex, utf8[index] == prefix.utf8Start[offset] else { return false }
                index = utf8.index(after: index)
            }
            return true
        }
        func uuid(after count: Int) -> UUID? {
            let text = stream.utf8.dropFirst(count)
            guard let id = UUID(text: Substring(text)), StreamRef.isLowercase(text) else { return nil }
            return id
        }
        switch utf8.count {
        case 48 where hasPrefix("application-"): return uuid(after: 12).map(StreamRef.application)
        case 43 where hasPrefix("permit-"): return uuid(after: 7).map(StreamRef.permit)
        case 21 where hasPrefix("employer-"):
            return BIN(String(Substring(stream.utf8.dropFirst(9)))).map(StreamRef.employer)
        default: return nil
        }
    }

    /// A parsed UUID's text is canonical when it has no uppercase hex digit.
    static func isLowercase(_ text: String) -> Bool { isLowercase(text.utf8[...]) }

    static func isLowercase(_ text: Substring.UTF8View) -> Bool {
        !text.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
    }

    public var name: String {
        switch self {
        case .quota(let key): return key.stream
        case .application(let id): return "application-\(id.lowercased)"
        case .permit(let id): return "permit-\(id.lowercased)"
        case .employer(let bin): return "employer-\(bin.digits)"
        }
    }
}
