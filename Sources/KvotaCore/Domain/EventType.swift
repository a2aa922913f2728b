/// The event types of the vocabulary, read once from an event's `type` so that the rules switch on
/// an enum rather than compare strings.
enum EventType: String, CaseIterable, Sendable {
    case ceilingSet = "CeilingSet"
    case allocationSet = "AllocationSet"
    case reallocationRequested = "ReallocationRequested"
    case reallocationApproved = "ReallocationApproved"
    case reallocationRejected = "ReallocationRejected"
    case applicationFiled = "ApplicationFiled"
    case applicationApproved = "ApplicationApproved"
    case applicationRejected = "ApplicationRejected"
    case applicationWithdrawn = "ApplicationWithdrawn"
    case permitIssued = "PermitIssued"
    case permitExtended = "PermitExtended"
    case permitRevoked = "PermitRevoked"
    case permitExpired = "PermitExpired"
    case employerBarred = "EmployerBarred"
    case employerBarLifted = "EmployerBarLifted"

    /// The type named exactly `text` (code points compared, as the canonical bytes are), or nil.
    init?(_ text: String) {
        let count = text.utf8.count
        // Non-ASCII text is compared as Swift compares strings (canonical equivalence), as before.
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            guard let type = EventType(rawValue: text) else { return nil }
            self = type
            return
        }
        for candidate in EventType.allCases
        where candidate.rawValue.utf8.count == count && JSONObject.sameKey(candidate.rawValue, text) {
            self = candidate
            return
        }
        return nil
    }

    /// The stream category the type belongs in (`quota`, `application`, `permit`, `employer`).
    var category: String {
        switch self {
        case .ceilingSet, .allocationSet, .reallocationRequested, .reallocationApproved, .reallocationRejected:
            return "quota"
        case .applicationFiled, .applicationApproved, .applicationRejected, .applicationWithdrawn:
            return "application"
        case .permitIssued, .permitExtended, .permitRevoked, .permitExpired:
            return "permit"
        case .employerBarred, .employerBarLifted:
            return "employer"
        }
    }
}
