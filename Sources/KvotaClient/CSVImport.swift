import Foundation
import KvotaCore

/// `kvota import FILE.csv`: rows of applications or permits from a spreadsheet, every row turned into
/// an event and checked by the same rules as a single command (in order, each against the state the
/// rows before it left), then recorded in one transaction: all of the file, or with `skipInvalid` the
/// valid rows (the others written to a reject file with their error).
///
/// Columns (header row, any order; names as in the contract):
/// - applications: `year`, `employerBin`, `category`, `workers`, `sector`, `countryOfOrigin`,
///   `vacancyRef`, `vacancyPostedOn`, optional `line`, `cat1Role`, `positionTitle`, `region`
///   (ministry files), `id` (the application's UUID, to issue permits against it later);
/// - permits: `application` (id), `validFrom`, `validUntil`, optional `replaceBy`, `id`, and the worker as
///   `documentCountry` + `documentNumber` (turned into the keyed pseudonym before anything is stored)
///   or as `workerRef` (a pseudonym already).
public struct CSVImport: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case applications, permits
    }

    /// A row that cannot be recorded: its line and why.
    public struct RowError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var field: String?
        public var message: String
        public var description: String { "line \(line)\(field.map { ", \($0)" } ?? ""): \(message)" }
    }

    public struct Result: Sendable {
        public var kind: Kind
        public var rows: Int
        public var events: [PendingEvent]
        public var errors: [RowError]
        /// The rejected rows as read, with their line numbers (for the reject file).
        public var rejected: [(line: Int, fields: [String], error: String)]
        public var header: [String]
    }

    public let pseudonymKey: [UInt8]?

    public init(pseudonymKey: [UInt8]?) { self.pseudonymKey = pseudonymKey }

    /// Reads and checks a file against `view` (which takes in every valid row).
    public func check(_ bytes: [UInt8], kind requested: Kind?, view: inout LocalView) throws(ClientError) -> Result {
        let records: [CSV.Record]
        do { records = try CSV.parse(bytes) } catch { throw ClientError(.invalidInput, "\(error)", field: "FILE") }
        guard let header = records.first else { throw ClientError(.invalidInput, "the file is empty", field: "FILE") }
        let columns = Dictionary(
            header.fields.enumerated().map { ($1.trimmingCharacters(in: .whitespaces), $0) },
            uniquingKeysWith: { a, _ in a })
        let kind: Kind
        if let requested { kind = requested } else { kind = try CSVImport.detect(columns) }
        let drafts = Drafts(view: view)
        var events: [PendingEvent] = []
        var sources: [CSV.Record] = []
        var errors: [RowError] = []
        var rejected: [(line: Int, fields: [String], error: String)] = []
        for record in records.dropFirst() {
            do throws(RowError) {
                let row = Row(record: record, columns: columns)
                let event = try kind == .applications ? application(row, drafts) : permit(row, drafts)
                events.append(event)
                sources.append(record)
            } catch {
                errors.append(error)
                rejected.append((record.line, record.fields, error.description))
            }
        }
        // Every row decided in order by the rules, as one batch.
        let statuses = view.check(events)
        var accepted: [PendingEvent] = []
        for (index, status) in statuses.enumerated() {
            if let refusal = status.refusal {
                let line = sources[index].line
                var field: String?
                // Columns are named after the members of `data`.
                if case .rejected(let rejection) = status {
                    field = rejection.field.map { $0.hasPrefix("data.") ? String($0.dropFirst(5)) : $0 }
                }
                let error = RowError(line: line, field: field, message: refusal)
                errors.append(error)
                rejected.append((line, sources[index].fields, error.description))
            } else {
                accepted.append(events[index])
            }
        }
        errors.sort { $0.line < $1.line }
        rejected.sort { $0.line < $1.line }
        return Result(
            kind: kind, rows: records.count - 1, events: accepted, errors: errors, rejected: rejected,
            header: header.fields)
    }

    /// The field without leading and trailing whitespace (`CharacterSet.whitespaces`); Foundation's
    /// trimming only when the field starts or ends with something other than a printable ASCII character.
    static func trimmed(_ field: String) -> String {
        func plain(_ byte: UInt8?) -> Bool { byte.map { $0 > 0x20 && $0 < 0x7F } ?? true }
        if plain(field.utf8.first) && plain(field.utf8.last) { return field }
        return field.trimmingCharacters(in: .whitespaces)
    }

    static func detect(_ columns: [String: Int]) throws(ClientError) -> Kind {
        if columns["application"] != nil && columns["validUntil"] != nil { return .permits }
        if columns["employerBin"] != nil && columns["workers"] != nil { return .applications }
        throw ClientError(
            .invalidInput,
            "cannot tell applications (employerBin, workers, ...) from permits (application, validUntil, ...) by the header; use --kind",
            field: "FILE")
    }

    struct Row {
        let record: CSV.Record
        let columns: [String: Int]

        func optional(_ name: String) -> String? {
            guard let index = columns[name], index < record.fields.count else { return nil }
            let value = CSVImport.trimmed(record.fields[index])
            return value.isEmpty ? nil : value
        }

        func required(_ name: String) throws(RowError) -> String {
            guard let value = optional(name) else {
                throw RowError(line: record.line, field: name, message: "\(name) is required")
            }
            return value
        }

        func number(_ name: String) throws(RowError) -> Int64 {
            let text = try required(name)
            guard let value = Int64(text) else {
                throw RowError(line: record.line, field: name, message: "\(name) must be a whole number, got '\(text)'")
            }
            return value
        }

        func id() throws(RowError) -> UUID {
            guard let text = optional("id") else { return UUID.random() }
            guard let id = UUID(text: text.lowercased()) else {
                throw RowError(line: record.line, field: "id", message: "id must be a UUID, got '\(text)'")
            }
            return id
        }
    }

    func application(_ row: Row, _ drafts: Drafts) throws(RowError) -> PendingEvent {
        let application = Drafts.Application(
            year: try row.number("year"), line: row.optional("line") ?? QuotaLine.foreignLabour.rawValue,
            employerBin: try row.required("employerBin"), category: try row.required("category"),
            workers: try row.number("workers"), sector: try row.required("sector"),
            countryOfOrigin: try row.required("countryOfOrigin"), vacancyRef: try row.required("vacancyRef"),
            vacancyPostedOn: try row.required("vacancyPostedOn"), cat1Role: row.optional("cat1Role"),
            positionTitle: row.optional("positionTitle"))
        return drafts.fileApplication(application, region: row.optional("region"), id: try row.id())
    }

    func permit(_ row: Row, _ drafts: Drafts) throws(RowError) -> PendingEvent {
        let workerRef: String
        if let ref = row.optional("workerRef") {
            workerRef = ref
        } else {
            let country = try row.required("documentCountry")
            let number = try row.required("documentNumber")
            guard let key = pseudonymKey else {
                throw RowError(
                    line: row.record.line, field: "documentNumber",
                    message:
                        "this profile has no pseudonym key (run `kvota init` again with a region or ministry token)")
            }
            workerRef = WorkerPseudonym.ref(country: country, number: number, key: key)
        }
        let permit = Drafts.Permit(
            application: try row.required("application"), workerRef: workerRef,
            validFrom: try row.required("validFrom"),
            validUntil: try row.required("validUntil"), replaceBy: row.optional("replaceBy"))
        let id = try row.id()
        do { return try drafts.issuePermit(permit, id: id) } catch {
            throw RowError(line: row.record.line, field: "application", message: error.message)
        }
    }

    /// The reject file: the header with an `error` column, then each rejected row as read.
    public static func rejectFile(_ result: Result) -> String {
        var text = (result.header + ["error"]).map(CSV.escape).joined(separator: ",") + "\n"
        for row in result.rejected {
            text += (row.fields + [row.error]).map(CSV.escape).joined(separator: ",") + "\n"
        }
        return text
    }
}
