/// A book as JSON, for snapshots of the projection (derived data: a snapshot can always be made
/// again from the log).
extension QuotaBook {
    public var json: JSONValue {
        var requestMembers: [JSONObject.Member] = []
        for (id, record) in requests {
            var request: JSONObject = [
                "requestId": .string(record.request.requestId), "region": .string(record.request.region.rawValue),
                "units": .int(record.request.units), "justification": .string(record.request.justification),
            ]
            if let donor = record.request.fromRegion { request["fromRegion"] = .string(donor.rawValue) }
            var entry: JSONObject = ["request": .object(request), "status": .string(record.status.rawValue)]
            if let units = record.approvedUnits { entry["approvedUnits"] = .int(units) }
            requestMembers.append(.init(id, .object(entry)))
        }
        var ceilingValue: JSONValue = .null
        if let ceiling {
            var object: JSONObject = ["units": .int(ceiling.units), "basis": .string(ceiling.basis)]
            if let percent = ceiling.percent { object["percent"] = .double(percent) }
            if let laborForce = ceiling.laborForce { object["laborForce"] = .int(laborForce) }
            ceilingValue = .object(object)
        }
        func regions(_ map: [Region: Int64]) -> JSONValue {
            .object(JSONObject(map.map { .init($0.key.rawValue, .int($0.value)) }))
        }
        return .object([
            "ceiling": ceilingValue, "allocations": regions(allocations), "inUse": regions(inUse),
            "usage": .array(
                usage.sorted { $0.key < $1.key }.map { key, count in
                    [
                        .string(key.region.rawValue), .string(key.category.rawValue), .string(key.country.code),
                        .string(key.sector.letter), .int(count),
                    ]
                }),
            "requests": .object(JSONObject(requestMembers)),
        ])
    }

    /// Reads a book written by ``json``; nil when it is not one.
    public init?(json: JSONValue) {
        guard case .object(let object) = json else { return nil }
        self.init()
        if case .object(let ceiling)? = object["ceiling"] {
            guard let units = ceiling["units"]?.intValue, let basis = ceiling["basis"]?.stringValue else { return nil }
            var percent: Double?
            switch ceiling["percent"] {
            case .double(let value)?: percent = value
            case .int(let value)?: percent = Double(value)
            default: percent = nil
            }
            self.ceiling = CeilingSet(
                units: units, percent: percent, laborForce: ceiling["laborForce"]?.intValue, basis: basis)
        }
        func regions(_ key: String) -> [Region: Int64]? {
            guard case .object(let map)? = object[key] else { return nil }
            var result: [Region: Int64] = [:]
            for member in map.members {
                guard let region = Region(rawValue: member.key), let value = member.value.intValue else { return nil }
                result[region] = value
            }
            return result
        }
        guard let allocations = regions("allocations"), let inUse = regions("inUse"),
            case .array(let usage)? = object["usage"], case .object(let requests)? = object["requests"]
        else { return nil }
        self.allocations = allocations
        self.inUse = inUse
        for row in usage {
            guard case .array(let cells) = row, cells.count == 5,
                let region = cells[0].stringValue.flatMap(Region.init(rawValue:)),
                let category = cells[1].stringValue.flatMap(PermitCategory.init(rawValue:)),
                let country = cells[2].stringValue.flatMap(CountryCode.init),
                let sector = cells[3].stringValue.flatMap(OKEDSection.init),
                let count = cells[4].intValue
            else { return nil }
            self.usage[UsageKey(region: region, category: category, country: country, sector: sector)] = count
        }
        for member in requests.members {
            guard case .object(let entry) = member.value, case .object(let request)? = entry["request"],
                let requestId = request["requestId"]?.stringValue,
                let region = request["region"]?.stringValue.flatMap(Region.init(rawValue:)),
                let units = request["units"]?.intValue, let justification = request["justification"]?.stringValue,
                let status = entry["status"]?.stringValue.flatMap(ReallocationRecord.Status.init(rawValue:))
            else { return nil }
            let donor = request["fromRegion"]?.stringValue.flatMap(Region.init(rawValue:))
            self.requests[member.key] = ReallocationRecord(
                request: ReallocationRequested(
                    requestId: requestId, region: region, units: units, fromRegion: donor, justification: justification),
                status: status, approvedUnits: entry["approvedUnits"]?.intValue)
        }
    }
}
