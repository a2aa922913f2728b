import Foundation
import KvotaCore

/// A statement parameter: text (PostgreSQL infers the type from the statement) or binary bytes.
enum PGParameter: Sendable {
    case text(String)
    case binary([UInt8])
    case null

    static func int(_ value: Int64) -> PGParameter { .text(String(value)) }
    static func int(_ value: Int) -> PGParameter { .text(String(value)) }
    static func optional(_ value: String?) -> PGParameter { value.map(PGParameter.text) ?? .null }

    /// A PostgreSQL array literal of text values (`{"a","b"}`), for `$n::text[]` or `$n::uuid[]`.
    static func textArray(_ values: some Sequence<String>) -> PGParameter {
        var literal = "{"
        var first = true
        for value in values {
            if !first { literal += "," }
            first = false
            literal += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        return .text(literal + "}")
    }

    /// Lays the parameters out as the C arrays libpq takes, valid for the duration of `body`.
    static func withCParameters<R>(
        _ parameters: [PGParameter],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        if parameters.isEmpty { return body(nil, nil, nil) }
        var storage: [UInt8] = []
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for parameter in parameters {
            switch parameter {
            case .null:
                offsets.append(nil)
                lengths.append(0)
                formats.append(0)
            case .text(let text):
                offsets.append(storage.count)
                storage.append(contentsOf: text.utf8)
                storage.append(0)
                lengths.append(0)
                formats.append(0)
            case .binary(let bytes):
                offsets.append(storage.count)
                storage.append(contentsOf: bytes)
                storage.append(0)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { $0.map { base + $0 } }
            return pointers.withUnsafeBufferPointer { values in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    formats.withUnsafeBufferPointer { formatBuffer in
                        body(values.baseAddress, lengthBuffer.baseAddress, formatBuffer.baseAddress)
                    }
                }
            }
        }
    }
}
