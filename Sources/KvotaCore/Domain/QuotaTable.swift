/// A quota projection as a table for an 80-column terminal: a bar per region (in use / allocated),
/// for `kvotad quota` and `kvota quota show` alike. `regions` limits the rows (nil: all 20).
public struct QuotaTable: Sendable {
    public let text: String

    public init(_ projection: QuotaProjection, regions: Set<Region>? = nil) {
        func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, width - text.count))
            return right ? fill + text : text + fill
        }
        func number(_ value: Int64) -> String {
            let digits = String(abs(value))
            var grouped = ""
            for (index, character) in digits.reversed().enumerated() {
                if index > 0 && index % 3 == 0 { grouped.append(",") }
                grouped.append(character)
            }
            return (value < 0 ? "-" : "") + String(grouped.reversed())
        }
        var lines: [String] = []
        lines.append(
            "Quota \(projection.key.year) \(projection.key.line.rawValue) at position \(projection.position): "
                + "ceiling \(number(projection.ceiling)), allocated \(number(projection.allocated)), in use \(number(projection.inUse))"
        )
        lines.append(
            pad("region", 22) + pad("allocated", 10, right: true) + pad("in use", 9, right: true)
                + pad("free", 8, right: true) + "  use")
        let barWidth = 24
        for usage in projection.regions where regions?.contains(usage.region) ?? true {
            let filled =
                usage.allocated > 0
                ? Int((Double(usage.inUse) / Double(usage.allocated) * Double(barWidth)).rounded()) : 0
            let bar =
                String(repeating: "#", count: min(barWidth, filled))
                + String(repeating: ".", count: max(0, barWidth - filled))
            lines.append(
                pad("\(usage.region.rawValue) \(usage.region.name)", 22) + pad(number(usage.allocated), 10, right: true)
                    + pad(number(usage.inUse), 9, right: true) + pad(number(usage.available), 8, right: true) + "  "
                    + bar)
        }
        let categories = PermitCategory.allCases.map { "\($0.rawValue) \(number(projection.byCategory[$0] ?? 0))" }
        lines.append("by category: " + categories.joined(separator: ", "))
        func top(_ map: [String: Int64], _ label: String) -> String {
            let sorted = map.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            return label + sorted.prefix(6).map { "\($0.key) \(number($0.value))" }.joined(separator: ", ")
                + (sorted.count > 6 ? ", others \(number(sorted.dropFirst(6).map(\.value).reduce(0, +)))" : "")
        }
        lines.append(top(projection.byCountry, "by origin: "))
        lines.append(top(projection.bySector, "by sector: "))
        text = lines.joined(separator: "\n")
    }
}
