extension DomainEvent {
    /// Reads an event of the vocabulary from its stream, type and payload. Refuses an unknown type
    /// (`unknown-type`), a type in the wrong kind of stream, a bad field or an unknown field
    /// (`invalid-field`, naming it).
    public init(stream: String, type: String, data: JSONObject) throws(Rejection) {
        guard let kind = EventType(type) else {
            throw Rejection(code: "unknown-type", message: "type \(type) is not an event type of Kvota", field: "type")
        }
        let ref = try StreamRef(stream)
        var fields = FieldReader(data)
        func misplaced() -> Rejection {
            Rejection(
                code: "invalid-field", message: "stream: \(type) belongs in a \(kind.category)- stream",
                field: "stream")
        }
        switch (ref, kind) {
        case (.quota(let key), .ceilingSet):
            let units = try fields.integer("units", in: 0...100_000_000)
            let percent = try fields.optionalNumber("percent", in: 0...100)
            let laborForce = try fields.optionalInteger("laborForce", in: 1...1_000_000_000)
            let basis = try fields.string("basis")
            self = .ceilingSet(key, CeilingSet(units: units, percent: percent, laborForce: laborForce, basis: basis))
        case (.quota(let key), .allocationSet):
            self = .allocationSet(
                key, AllocationSet(region: try fields.region(), units: try fields.integer("units", in: 0...100_000_000))
            )
        case (.quota(let key), .reallocationRequested):
            let request = ReallocationRequested(
                requestId: try fields.string("requestId", maxLength: 100), region: try fields.region(),
                units: try fields.integer("units", in: 1...100_000_000),
                fromRegion: try fields.optionalParsed("fromRegion", "must be one of the 20 region codes") {
                    Region(code: $0)
                },
                justification: try fields.string("justification", maxLength: 2000))
            try fields.require(request.fromRegion != request.region, "fromRegion", "must differ from region")
            self = .reallocationRequested(key, request)
        case (.quota(let key), .reallocationApproved):
            self = .reallocationApproved(
                key,
                ReallocationApproved(
                    requestId: try fields.string("requestId", maxLength: 100),
                    units: try fields.optionalInteger("units", in: 1...100_000_000)))
        case (.quota(let key), .reallocationRejected):
            self = .reallocationRejected(
                key, requestId: try fields.string("requestId", maxLength: 100),
                reason: try fields.string("reason", maxLength: 2000))
        case (.application(let id), .applicationFiled):
            self = .applicationFiled(id, try DomainEvent.applicationFiled(&fields))
        case (.application(let id), .applicationApproved):
            self = .applicationApproved(id)
        case (.application(let id), .applicationRejected):
            self = .applicationRejected(id, reason: try fields.string("reason", maxLength: 2000))
        case (.application(let id), .applicationWithdrawn):
            self = .applicationWithdrawn(id)
        case (.permit(let id), .permitIssued):
            self = .permitIssued(id, try DomainEvent.permitIssued(&fields))
        case (.permit(let id), .permitExtended):
            self = .permitExtended(id, validUntil: try fields.date("validUntil"))
        case (.permit(let id), .permitRevoked):
            self = .permitRevoked(id, reason: try fields.string("reason", maxLength: 2000))
        case (.permit(let id), .permitExpired):
            self = .permitExpired(id)
        case (.employer(let bin), .employerBarred):
            let bar = EmployerBarred(
                from: try fields.date("from"), until: try fields.date("until"),
                reason: try fields.string("reason", maxLength: 2000))
            try fields.require(bar.from < bar.until, "until", "must be after from")
            self = .employerBarred(bin, bar)
        case (.employer(let bin), .employerBarLifted):
            self = .employerBarLifted(bin, reason: try fields.string("reason", maxLength: 2000))
        default:
            throw misplaced()
        }
        try fields.finish()
    }

    private static func cat1Fields(_ fields: inout FieldReader, category: PermitCategory) throws(Rejection) -> (
        Cat1Role?, String?
    ) {
        let role = try fields.optionalParsed("cat1Role", "must be first-head or deputy") { Cat1Role(rawValue: $0) }
        let title = try fields.optionalString("positionTitle", maxLength: 200)
        if category == .cat1 {
            try fields.require(role != nil, "cat1Role", "is required for cat1 (first-head or deputy)")
            try fields.require(title != nil, "positionTitle", "is required for cat1")
        } else {
            try fields.require(role == nil, "cat1Role", "is only for cat1")
        }
        return (role, title)
    }

    private static func category(_ fields: inout FieldReader) throws(Rejection) -> PermitCategory {
        try fields.parsed("category", "must be one of cat1, cat2, cat3, cat4, seasonal, ict") {
            PermitCategory(rawValue: $0)
        }
    }

    private static func common(_ fields: inout FieldReader) throws(Rejection) -> (
        Region, Int64, QuotaLine, BIN, PermitCategory, OKEDSection, CountryCode
    ) {
        let region = try fields.region()
        let year = try fields.integer("year", in: QuotaKey.years)
        let line = try fields.parsed("line", "must be foreign-labour (permits are issued on that line only)") {
            $0 == QuotaLine.foreignLabour.rawValue ? QuotaLine.foreignLabour : nil
        }
        let bin = try fields.parsed("employerBin", "must be a BIN: 12 digits with a valid check digit") { BIN($0) }
        let category = try category(&fields)
        let sector = try fields.parsed("sector", "must be an OKED section letter A to U") { OKEDSection($0) }
        let country = try fields.parsed("countryOfOrigin", "must be an ISO 3166-1 alpha-2 country code") {
            CountryCode($0)
        }
        return (region, year, line, bin, category, sector, country)
    }

    private static func applicationFiled(_ fields: inout FieldReader) throws(Rejection) -> ApplicationFiled {
        let (region, year, line, bin, category, sector, country) = try common(&fields)
        let workers = try fields.integer("workers", in: 1...10_000)
        let vacancyRef = try fields.string("vacancyRef", maxLength: 100)
        let postedOn = try fields.date("vacancyPostedOn")
        let (role, title) = try cat1Fields(&fields, category: category)
        try fields.require(category != .cat1 || workers == 1, "workers", "must be 1 for cat1 (one person per position)")
        return ApplicationFiled(
            region: region, year: year, line: line, employerBin: bin, category: category, workers: workers,
            sector: sector,
            countryOfOrigin: country, vacancyRef: vacancyRef, vacancyPostedOn: postedOn, cat1Role: role,
            positionTitle: title)
    }

    private static func permitIssued(_ fields: inout FieldReader) throws(Rejection) -> PermitIssued {
        let (region, year, line, bin, category, sector, country) = try common(&fields)
        let applicationId = try fields.uuid("applicationId")
        let workerRef = try fields.parsed("workerRef", "must be the keyed pseudonym: 64 lowercase hex digits") {
            WorkerRef($0)
        }
        let validFrom = try fields.date("validFrom")
        let validUntil = try fields.date("validUntil")
        try fields.require(validFrom <= validUntil, "validUntil", "must not be before validFrom")
        let replaceBy = try fields.optionalParsed("replaceBy", "must be a date YYYY-MM-DD") { CalendarDate($0) }
        if let replaceBy {
            try fields.require(category == .cat4, "replaceBy", "is only for cat4")
            try fields.require(
                replaceBy >= validFrom.adding(months: 6) && replaceBy <= validFrom.adding(months: 12), "replaceBy",
                "must be 6 to 12 months after validFrom")
        }
        let (role, title) = try cat1Fields(&fields, category: category)
        return PermitIssued(
            region: region, year: year, line: line, applicationId: applicationId, employerBin: bin, category: category,
            workerRef: workerRef, sector: sector, countryOfOrigin: country, validFrom: validFrom,
            validUntil: validUntil,
            replaceBy: replaceBy, cat1Role: role, positionTitle: title)
    }
}
