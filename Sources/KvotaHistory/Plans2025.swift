import Foundation
import KvotaCore

/// An employer of the 2025 history: one BIN, one OKED section, one region, and the `cat1` seats
/// its permits hold.
struct EmployerPlan {
    var bin: String
    var sector: String
    var region: Region
    /// Whether a `first-head` permit of the history names this employer.
    var firstHeadTaken = false
    /// Deputy position titles held by permits of the history.
    var deputyTitles: [String] = []
    /// Active permits on 1 December (before ended ones are added).
    var activeSize = 0
}

/// What becomes of a planned permit by 1 December 2025.
enum PermitFate: Equatable {
    case active
    /// `PermitExpired` the night after its (possibly extended) last valid day.
    case expired
    /// `PermitRevoked` on a working day.
    case revoked(day: CalendarDate, reason: String)
}

/// A permit of the history, before its events are written.
struct PermitPlan {
    var id: UUID
    var application: Int
    var workerRef: String
    var cat1Role: Cat1Role?
    var positionTitle: String?
    var fate: PermitFate
    var issueDay = CalendarDate(daysSinceEpoch: 0)
    var validFrom = CalendarDate(daysSinceEpoch: 0)
    /// The last valid day at issue.
    var validUntil = CalendarDate(daysSinceEpoch: 0)
    var replaceBy: CalendarDate?
    /// A `PermitExtended` on `day` to `until`.
    var extension_: (day: CalendarDate, until: CalendarDate)?

    /// The last valid day after any extension.
    var finalUntil: CalendarDate { extension_?.until ?? validUntil }
}

/// What the region decides on an application.
enum ApplicationOutcome: Equatable {
    case approved
    case rejected(String)
    /// Withdrawn by the employer: before a decision (`approvedFirst` false) or after approval.
    case withdrawn(approvedFirst: Bool)
}

/// An application of the history: one employer, category and country of origin, and its permits.
struct ApplicationPlan {
    var id: UUID
    var employer: Int
    var category: PermitCategory
    var country: String
    var permits: [Int] = []
    /// Workers asked for beyond the permits issued.
    var spare = 0
    var outcome: ApplicationOutcome = .approved
    var cat1Role: Cat1Role?
    var positionTitle: String?
    /// For ended-only applications: the month their permits end in (1...11), and how.
    var endMonth = 0
    var fileDay = CalendarDate(daysSinceEpoch: 0)
    var decisionDay = CalendarDate(daysSinceEpoch: 0)
    /// `ApplicationWithdrawn` after a partial issue (or after approval without permits).
    var withdrawDay: CalendarDate?
    var vacancyRef = ""
    var vacancyPostedOn = CalendarDate(daysSinceEpoch: 0)

    var workers: Int { permits.count + spare }
}
