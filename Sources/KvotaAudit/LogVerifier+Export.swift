import Foundation

/// The bulk export's form (`GET /v1/audit/entries`, and a bundle's events file): each event's
/// canonical bytes followed by a newline. Canonical JSON escapes every control character inside
/// strings, so a newline byte only ever ends an event.
extension LogVerifier {
    /// Verifies the next bytes of an export, cut anywhere (an HTTP body's chunks as they arrive, or a
    /// file read in blocks): complete lines are verified, the rest waits for the next call or for
    /// ``finish()``, which fails an export that does not end with a newline.
    /// Returns the first failure of the log so far, if any.
    @discardableResult
    public mutating func append(export bytes: some Collection<UInt8>) -> Failure? {
        guard failure == nil else { return failure }
        var buffer = partialLine
        buffer.append(contentsOf: bytes)
        return append(exportBuffer: buffer)
    }

    /// ``append(export:)`` of bytes already gathered in an array of their own (no copy when no partial
    /// line waits before them).
    mutating func append(exportBlock bytes: [UInt8]) -> Failure? {
        guard failure == nil else { return failure }
        return append(exportBuffer: partialLine.isEmpty ? bytes : partialLine + bytes)
    }

    /// Verifies the complete lines of `buffer`, keeping what follows its last newline for the next call.
    private mutating func append(exportBuffer buffer: [UInt8]) -> Failure? {
        var ranges: [Range<Int>] = []
        var start = 0
        buffer.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            while start < buffer.count,
                let newline = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start)
            {
                let index = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                ranges.append(start..<index)
                start = index + 1
            }
        }
        partialLine = Array(buffer[start...])
        if !ranges.isEmpty { verify(EventChunk(storage: .lines(buffer, ranges), claimed: nil)) }
        return failure
    }
}
