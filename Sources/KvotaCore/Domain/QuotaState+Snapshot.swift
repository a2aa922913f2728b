import Foundation

/// The state as bytes, so that a reader of a long log (the client's journal) need not fold it from
/// position 0 at every start: derived data, always rebuildable from the log, and a snapshot that
/// does not read (another format version, damage) is simply not used.
///
/// Layout: the magic `KQS` and a format byte, the position, then each map as a count and its
/// entries; integers as zigzag varints, ids as 16 bytes, strings as a length and UTF-8, the books
/// as their canonical JSON (``QuotaBook/json``).
extension QuotaState {
    /// Format 2: records as the rules keep them (``QuotaTerms``), without the vacancy and the permit's
    /// first day and application; format 1 snapshots are not read (the reader folds the log instead).
    static let snapshotMagic: [UInt8] = Array("KQS".utf8) + [2]

    /// The state's snapshot bytes.
    public var snapshot: [UInt8] {
        var out = SnapshotWriter()
        out.bytes.append(contentsOf: QuotaState.snapshotMagic)
        out.int(position)
        out.int(Int64(books.count))
        for (key, book) in books {
            out.int(key.year)
            out.string(key.line.rawValue)
            out.bytes(CanonicalJSON.encode(book.json))
        }
        let applications = self.applications.entries
        out.int(Int64(applications.count))
        for (id, record) in applications {
            out.uuid(id)
            out.terms(record.filing)
            out.int(record.workers)
            out.string(record.status.rawValue)
            out.int(record.issued)
        }
        let permits = self.permits.entries
        out.int(Int64(permits.count))
        for (id, record) in permits {
            out.uuid(id)
            out.terms(record.permit)
            out.string(record.workerRef.hex)
            out.string(record.status.rawValue)
            out.int(record.validUntil.day)
            out.int(record.replacementDeadline.map { $0.day + 1 } ?? 0)
        }
        let workers = activeWorkers.entries
        out.int(Int64(workers.count))
        for (key, id) in workers {
            out.string(key.worker.hex)
            out.int(key.year)
            out.uuid(id)
        }
        for map in [cat1Holders.entries, openCat1Applications.entries] {
            out.int(Int64(map.count))
            for (seat, id) in map {
                out.seat(seat)
                out.uuid(id)
            }
        }
        let bars = self.bars.entries
        out.int(Int64(bars.count))
        for (employer, records) in bars {
            out.string(employer.digits)
            out.int(Int64(records.count))
            for record in records {
                out.int(record.bar.from.day)
                out.int(record.bar.until.day)
                out.string(record.bar.reason)
                out.int(record.lifted ? 1 : 0)
            }
        }
        return out.bytes
    }

    /// The state a snapshot holds; nil when the bytes are not a snapshot of this format.
    public init?(snapshot bytes: [UInt8]) {
        var reader = SnapshotReader(bytes: bytes)
        guard let state = try? reader.state(), reader.index == bytes.count else { return nil }
        self = state
    }
}

private struct SnapshotWriter {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    mutating func bytes(_ value: [UInt8]) {
        int(Int64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String) { bytes(Array(value.utf8)) }

    mutating func optional(_ value: String?) {
        int(value == nil ? 0 : 1)
        if let value { string(value) }
    }

    mutating func uuid(_ id: UUID) {
        withUnsafeBytes(of: id.uuid) { bytes.append(contentsOf: $0) }
    }

    mutating func terms(_ terms: QuotaTerms) {
        string(terms.region.rawValue)
        int(terms.year)
        string(terms.line.rawValue)
        string(terms.employerBin.digits)
        string(terms.category.rawValue)
        string(terms.sector.letter)
        string(terms.countryOfOrigin.code)
        optional(terms.cat1Role?.rawValue)
        optional(terms.positionTitle)
    }

    mutating func seat(_ seat: Cat1Seat) {
        string(seat.employer.digits)
        string(seat.role.rawValue)
        optional(seat.title)
    }
}

private struct SnapshotReader {
    struct Malformed: Error {}

    let bytes: [UInt8]
    var index = 0

    mutating func state() throws -> QuotaState {
        guard bytes.starts(with: QuotaState.snapshotMagic) else { throw Malformed() }
        index = QuotaState.snapshotMagic.count
        var state = QuotaState()
        state.position = try int()
        for _ in 0..<(try count()) {
            let key = QuotaKey(year: try int(), line: try parse(QuotaLine(rawValue: try string())))
            let json = try bytes(try count())
            guard let value = try? JSONParser.parse(json), let book = QuotaBook(json: value) else { throw Malformed() }
            state.books[key] = book
        }
        for _ in 0..<(try count()) {
            let id = try uuid()
            state.applications[id] = ApplicationRecord(
                filing: try terms(), workers: try int(),
                status: try parse(ApplicationRecord.Status(rawValue: try string())), issued: try int())
        }
        for _ in 0..<(try count()) {
            let id = try uuid()
            state.permits[id] = PermitRecord(
                permit: try terms(), workerRef: try parse(WorkerRef(try string())),
                status: try parse(PermitRecord.Status(rawValue: try string())),
                validUntil: CalendarDate(daysSinceEpoch: try int()), replacementDeadline: try day())
        }
        for _ in 0..<(try count()) {
            let key = WorkerYear(worker: try parse(WorkerRef(try string())), year: try int())
            state.activeWorkers[key] = try uuid()
        }
        for _ in 0..<(try count()) { state.cat1Holders[try seat()] = try uuid() }
        for _ in 0..<(try count()) { state.openCat1Applications[try seat()] = try uuid() }
        for _ in 0..<(try count()) {
            let employer = try parse(BIN(try string()))
            var records: [BarRecord] = []
            for _ in 0..<(try count()) {
                let bar = EmployerBarred(
                    from: CalendarDate(daysSinceEpoch: try int()), until: CalendarDate(daysSinceEpoch: try int()),
                    reason: try string())
                records.append(BarRecord(bar: bar, lifted: try int() == 1))
            }
            state.bars[employer] = records
        }
        return state
    }

    func parse<T>(_ value: T?) throws -> T {
        guard let value else { throw Malformed() }
        return value
    }

    mutating func int() throws -> Int64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.count, shift < 64 else { throw Malformed() }
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    mutating func count() throws -> Int {
        let value = try int()
        // Every entry takes a byte at least.
        guard value >= 0, value <= Int64(bytes.count - index) else { throw Malformed() }
        return Int(value)
    }

    mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count <= bytes.count - index else { throw Malformed() }
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    mutating func string() throws -> String {
        String(decoding: try bytes(try count()), as: UTF8.self)
    }

    mutating func optional() throws -> String? {
        try int() == 0 ? nil : try string()
    }

    mutating func uuid() throws -> UUID {
        let raw = try bytes(16)
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: raw) }
        return UUID(uuid: value)
    }

    mutating func terms() throws -> QuotaTerms {
        QuotaTerms(
            region: try parse(Region(code: try string())), year: try int(),
            line: try parse(QuotaLine(rawValue: try string())), employerBin: try parse(BIN(try string())),
            category: try parse(PermitCategory(rawValue: try string())), sector: try parse(OKEDSection(try string())),
            countryOfOrigin: try parse(CountryCode(try string())),
            cat1Role: try optional().map { try parse(Cat1Role(rawValue: $0)) }, positionTitle: try optional())
    }

    /// An optional day, written as days since 1970 plus one, or 0 for none.
    mutating func day() throws -> CalendarDate? {
        let day = try int()
        return day == 0 ? nil : CalendarDate(daysSinceEpoch: day - 1)
    }

    mutating func seat() throws -> Cat1Seat {
        Cat1Seat(
            employer: try parse(BIN(try string())), role: try parse(Cat1Role(rawValue: try string())),
            title: try optional())
    }
}
