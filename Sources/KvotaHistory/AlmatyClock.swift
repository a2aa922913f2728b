import KvotaCore

/// Almaty local time (UTC+5 throughout 2025 and after) and the working calendar of Kazakhstan's
/// offices in 2025: weekends and the public holidays with their transferred days off.
struct AlmatyClock {
    /// Seconds east of UTC.
    static let offset: Int64 = 5 * 3600

    /// The instant of `hour:minute:second.micro` Almaty time on `day`.
    static func instant(_ day: CalendarDate, hour: Int64, minute: Int64 = 0, second: Int64 = 0, micro: Int64 = 0)
        -> Timestamp
    {
        let seconds = day.day * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + micro)
    }

    /// Microseconds after Almaty midnight of `day`.
    static func instant(_ day: CalendarDate, microsOfDay: Int64) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: (day.day * 86_400 - offset) * 1_000_000 + microsOfDay)
    }

    static func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    /// Days off in 2025 other than weekends (holidays and the days they were moved to).
    static let holidays2025: Set<Int64> = Set(
        [
            "2025-01-01", "2025-01-02", "2025-01-03", "2025-01-07", "2025-03-10", "2025-03-21", "2025-03-24",
            "2025-03-25", "2025-05-01", "2025-05-07", "2025-05-09", "2025-06-06", "2025-07-07", "2025-09-01",
            "2025-10-27", "2025-12-16",
        ].map { date($0).day })

    /// Whether offices work on `day` (Monday to Friday, not a holiday).
    static func isWorkingDay(_ day: CalendarDate) -> Bool {
        // 1970-01-01 was a Thursday: weekday 0 = Monday.
        let weekday = ((day.day + 3) % 7 + 7) % 7
        return weekday < 5 && !holidays2025.contains(day.day)
    }

    /// The working days from `first` through `last`, in order.
    static func workingDays(from first: CalendarDate, through last: CalendarDate) -> [CalendarDate] {
        var days: [CalendarDate] = []
        var day = first
        while day <= last {
            if isWorkingDay(day) { days.append(day) }
            day = day.adding(days: 1)
        }
        return days
    }
}

/// The working days of a span as an indexable list: "n working days after", "the first working
/// day on or after".
struct WorkingDays {
    let days: [CalendarDate]
    private let first: Int64
    /// For each calendar day of the span, the index of the first working day on or after it.
    private let onOrAfter: [Int]

    init(from first: CalendarDate, through last: CalendarDate) {
        days = AlmatyClock.workingDays(from: first, through: last)
        self.first = first.day
        var table: [Int] = []
        var next = 0
        var day = first
        while day <= last {
            while next < days.count && days[next] < day { next += 1 }
            table.append(next)
            day = day.adding(days: 1)
        }
        onOrAfter = table
    }

    /// The index of the first working day on or after `day` (clamped to the span).
    func index(onOrAfter day: CalendarDate) -> Int {
        let offset = Int(day.day - first)
        if offset < 0 { return 0 }
        if offset >= onOrAfter.count { return days.count - 1 }
        return min(onOrAfter[offset], days.count - 1)
    }

    /// The index of the last working day on or before `day`.
    func index(onOrBefore day: CalendarDate) -> Int {
        let index = index(onOrAfter: day)
        return days[index] > day ? max(index - 1, 0) : index
    }

    subscript(index: Int) -> CalendarDate { days[max(0, min(index, days.count - 1))] }
}
