public import Foundation

/// The conflicts of the contract's table, with the `current` each carries and a message a clerk understands.
extension Conflict {
    public static func quotaExhausted(
        _ region: Region, allocated: Int64, inUse: Int64, shortfall: Int64, _ message: String
    )
        -> Conflict
    {
        Conflict(
            code: "quota-exhausted", message: message,
            current: [
                "region": .string(region.rawValue), "allocated": .int(allocated), "inUse": .int(inUse),
                "shortfall": .int(shortfall),
            ])
    }

    public static func ceilingExceeded(ceiling: Int64, allocated: Int64, shortfall: Int64, _ message: String)
        -> Conflict
    {
        Conflict(
            code: "ceiling-exceeded", message: message,
            current: ["ceiling": .int(ceiling), "allocated": .int(allocated), "shortfall": .int(shortfall)])
    }

    public static func employerBarred(_ bin: BIN, until: CalendarDate) -> Conflict {
        Conflict(
            code: "employer-barred",
            message: "employer \(bin) is barred from hiring foreign labour until \(until)",
            current: ["until": .string(until.description)])
    }

    public static func duplicateWorker(permit: UUID, year: Int64) -> Conflict {
        Conflict(
            code: "duplicate-worker",
            message: "this worker already holds active permit \(permit.lowercased) for \(year)",
            current: ["permit": .string(permit.lowercased)])
    }

    public static func invalidState(_ state: String, _ message: String, extra: JSONObject = JSONObject()) -> Conflict {
        var current = extra
        current["state"] = .string(state)
        return Conflict(code: "invalid-state", message: message, current: current)
    }

    public static func applicationExhausted(_ id: UUID, workers: Int64, issued: Int64, state: String) -> Conflict {
        let why =
            state == "approved"
            ? "all \(workers) of its workers have permits" : "it is \(state), not approved"
        return Conflict(
            code: "application-exhausted",
            message: "application \(id.lowercased) cannot take another permit: \(why)",
            current: ["workers": .int(workers), "issued": .int(issued), "state": .string(state)])
    }
}

extension Rejection {
    static func forbidden(_ message: String) -> Rejection { Rejection(code: "forbidden", message: message) }

    static func field(_ field: String, _ message: String) -> Rejection {
        Rejection(code: "invalid-field", message: "\(field) \(message)", field: field)
    }
}
