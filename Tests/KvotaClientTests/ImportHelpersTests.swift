import Foundation
import Testing

@testable import KvotaClient

/// The CSV import's own helpers behave as the Foundation calls they stand in for.
@Suite struct ImportHelpersTests {
    @Test func trimsAsFoundationTrims() {
        for field in ["", " ", "a", " a ", "\ta\t", "a b", "\u{00A0}x\u{3000}", "é", " é", "x\u{2003}", "\n a \n"] {
            #expect(CSVImport.trimmed(field) == field.trimmingCharacters(in: .whitespaces))
        }
    }

    @Test func randomIdsAreVersionFourAndDistinct() {
        let ids = (0..<1_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let text = id.uuidString.lowercased()
            #expect(Array(text)[14] == "4")
            #expect("89ab".contains(Array(text)[19]))
        }
    }
}
