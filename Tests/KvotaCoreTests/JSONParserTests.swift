import KvotaCore
import Testing

/// Why and where `JSONParser` refused a text (JSONError's fields; its initializer is internal).
private struct Refusal: Equatable {
    var message: String
    var offset: Int
}

/// How `JSONParser` refuses `bytes`, or nil when it accepts them.
private func parseError(_ bytes: [UInt8]) -> Refusal? {
    do {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return Refusal(message: error.message, offset: error.offset)
    }
}

private func parseError(_ text: String) -> Refusal? { parseError(Array(text.utf8)) }

/// The Unicode scalar values of a parsed string (String `==` would hide normalization differences).
private func scalars(_ value: JSONValue) -> [UInt32]? {
    value.stringValue.map { $0.unicodeScalars.map(\.value) }
}

@Suite("JSON parser: accepted documents")
struct JSONParserAcceptanceTests {
    @Test(
        "every kind of top-level value",
        arguments: [
            ("null", JSONValue.null), ("true", .bool(true)), ("false", .bool(false)), ("0", .int(0)),
            ("-0", .int(0)), ("42", .int(42)), ("-17", .int(-17)), ("1.5", .double(1.5)), ("\"\"", .string("")),
            ("\"kvota\"", .string("kvota")), ("[]", .array([])), ("{}", .object(JSONObject())),
        ] as [(String, JSONValue)])
    func scalarsAndEmptyContainers(text: String, expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test("nested objects and arrays keep every member and element, in array order")
    func nestedDocument() throws {
        let text = #"{"b":{"c":[],"d":{"e":null}},"a":[1,2.5,"x",true,false,null,{},[[]]]}"#
        let expected: JSONValue = [
            "a": [1, .double(2.5), "x", true, false, nil, .object(JSONObject()), [[]]],
            "b": ["c": [], "d": ["e": nil]],
        ]
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test("object members come out in canonical key order, whatever the input order")
    func membersAreSorted() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":2,"B":3,"aa":4}"#)
        #expect(value.objectValue?.keys == ["B", "a", "aa", "b"])
        #expect(value["a"] == .int(2))
    }

    @Test("space, tab, CR and LF are allowed around every token")
    func insignificantWhitespace() throws {
        let text = " \t\r\n{ \"a\" \t:\r\n[ 1 ,\n2 ] ,\"b\"  :  \"x y\" } \n\t"
        #expect(try JSONParser.parse(text) == ["a": [1, 2], "b": "x y"])
    }

    @Test("other whitespace (form feed, vertical tab, NBSP, BOM) is not JSON whitespace")
    func otherWhitespaceRejected() {
        for text in ["\u{0C}1", "\u{0B}1", "\u{A0}1", "\u{FEFF}1"] {
            let error = parseError(text)
            #expect(error?.offset == 0, "\(Array(text.utf8))")
            #expect(error?.message == "unexpected character")
        }
    }

    @Test("numbers with fraction or exponent are doubles; plain safe integers are ints")
    func numberKinds() throws {
        #expect(try JSONParser.parse("1E2") == .double(100))
        #expect(try JSONParser.parse("1e-2") == .double(0.01))
        #expect(try JSONParser.parse("-1.25e+3") == .double(-1250))
        #expect(try JSONParser.parse("2.0") == .double(2))
        #expect(try JSONParser.parse("0.000001") == .double(0.000001))
        #expect(try JSONParser.parse("9007199254740991") == .int(JSONValue.maxSafeInteger))
        #expect(try JSONParser.parse("-9007199254740991") == .int(-JSONValue.maxSafeInteger))
        // Whole numbers beyond the safe range but below 10^21 would be written back as unreadable digits.
        #expect(throws: JSONError.self) { try JSONParser.parse("9007199254740993.0") }
        #expect(try JSONParser.parse("1e21") == .double(1e21))
        // Underflow reads as zero; it is still a finite number.
        #expect(try JSONParser.parse("1e-400") == .double(0))
    }

    @Test("the short escapes")
    func shortEscapes() throws {
        let value = try JSONParser.parse(#""\"\\\/\b\f\n\r\t""#)
        #expect(scalars(value) == [0x22, 0x5C, 0x2F, 0x08, 0x0C, 0x0A, 0x0D, 0x09])
    }

    @Test(
        "\\u escapes, including surrogate pairs, decode to the right scalars",
        arguments: [
            (#""\u0041""#, [0x41]), (#""\u00e9""#, [0xE9]), (#""\u00E9""#, [0xE9]), (#""\u20AC""#, [0x20AC]),
            (#""\u0000""#, [0x00]), (#""\u001f""#, [0x1F]), (#""\uD83D\uDE00""#, [0x1F600]),
            (#""\ud83d\ude00""#, [0x1F600]), (#""\uD800\uDC00""#, [0x10000]), (#""\uDBFF\uDFFF""#, [0x10_FFFF]),
            (#""a\u0301""#, [0x61, 0x301]), (#""x\uD83D\uDE00y\u2028z""#, [0x78, 0x1F600, 0x79, 0x2028, 0x7A]),
            (#""\uFFFF""#, [0xFFFF]),
        ] as [(String, [UInt32])])
    func unicodeEscapes(text: String, expected: [UInt32]) throws {
        #expect(scalars(try JSONParser.parse(text)) == expected)
    }

    @Test("raw UTF-8 text passes through unchanged, without normalization")
    func rawUnicode() throws {
        let text = "\"żółć e\u{301} \u{E9} 😀 \u{7F}\""
        let value = try JSONParser.parse(text)
        #expect(scalars(value) == Array(text.unicodeScalars.dropFirst().dropLast().map(\.value)))
    }

    @Test("escapes and raw text mix in one string")
    func escapesBetweenRawText() throws {
        #expect(scalars(try JSONParser.parse(#""ab\ncd\u00e9é""#)) == [0x61, 0x62, 0x0A, 0x63, 0x64, 0xE9, 0xE9])
    }

    @Test("the byte, buffer and string entry points agree")
    func entryPointsAgree() throws {
        let text = #"{"k":[1,"v",null]}"#
        let bytes = Array(text.utf8)
        let fromBuffer = try bytes.withUnsafeBufferPointer { buffer in try JSONParser.parse(buffer) }
        #expect(try JSONParser.parse(text) == fromBuffer)
        #expect(try JSONParser.parse(bytes[...]) == fromBuffer)
    }

    @Test("nesting of exactly 64 levels is accepted, in arrays and in objects")
    func maximumDepth() throws {
        let arrays = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONParser.parse(arrays)
        let objects = String(repeating: #"{"a":"#, count: 63) + "{}" + String(repeating: "}", count: 63)
        _ = try JSONParser.parse(objects)
        let mixed = String(repeating: #"[{"a":"#, count: 32) + "1" + String(repeating: "}]", count: 32)
        _ = try JSONParser.parse(mixed)
    }
}

@Suite("JSON parser: rejected documents name the rule and the byte offset")
struct JSONParserRejectionTests {
    @Test(
        "structural errors",
        arguments: [
            ("", 0, "unexpected end of input"), ("   ", 3, "unexpected end of input"),
            ("[", 1, "unexpected end of input"), ("[1", 2, "unexpected end of input"),
            (#"{"a":1"#, 6, "unexpected end of input"), ("{", 1, "expected a key"), ("{,}", 1, "expected a key"),
            ("{1:2}", 1, "expected a key"), (#"{"a":1,}"#, 7, "expected a key"), (#"{"a" 1}"#, 5, "expected ':'"),
            (#"{"a":}"#, 5, "unexpected character"), (#"{"a":1 "b":2}"#, 7, "expected ',' or '}'"),
            ("[1,]", 3, "unexpected character"), ("[1 2]", 3, "expected ',' or ']'"),
            ("[,1]", 1, "unexpected character"),
            ("'a'", 0, "unexpected character"), ("undefined", 0, "unexpected character"),
        ] as [(String, Int, String)])
    func structure(text: String, offset: Int, message: String) {
        let error = parseError(text)
        #expect(error == Refusal(message: message, offset: offset))
    }

    @Test(
        "data after the value",
        arguments: [("1 2", 2), ("{} x", 3), ("[1]]", 3), ("nullnull", 4), ("\"a\"\"b\"", 3), ("0 ,", 2)])
    func trailingData(text: String, offset: Int) {
        #expect(parseError(text) == Refusal(message: "unexpected data after the JSON value", offset: offset))
    }

    @Test(
        "bad literals",
        arguments: [
            ("tru", 0, "unexpected end of input"), ("trux", 0, "invalid literal"), ("True", 0, "unexpected character"),
            ("nul", 0, "unexpected end of input"), ("[nulx]", 1, "invalid literal"), ("falsy", 0, "invalid literal"),
            ("NaN", 0, "unexpected character"), ("Infinity", 0, "unexpected character"),
        ] as [(String, Int, String)])
    func literals(text: String, offset: Int, message: String) {
        #expect(parseError(text) == Refusal(message: message, offset: offset))
    }

    @Test(
        "malformed numbers",
        arguments: [
            ("01", 1, "leading zero in number"), ("-012", 2, "leading zero in number"),
            ("[00]", 2, "leading zero in number"),
            ("00.5", 1, "leading zero in number"), ("-", 1, "invalid number"), ("-a", 1, "invalid number"),
            ("1.", 2, "invalid number"), ("1.e5", 2, "invalid number"), ("1e", 2, "invalid number"),
            ("1e+", 3, "invalid number"), (".5", 0, "unexpected character"), ("+1", 0, "unexpected character"),
            ("-Infinity", 1, "invalid number"), ("1e400", 0, "number out of range"),
            ("[-1e400]", 1, "number out of range"),
        ] as [(String, Int, String)])
    func numbers(text: String, offset: Int, message: String) {
        #expect(parseError(text) == Refusal(message: message, offset: offset))
    }

    @Test(
        "integers beyond ±(2^53 - 1) are refused at the number's first byte",
        arguments: [
            ("9007199254740992", 0), ("-9007199254740992", 0), ("[1, 9007199254740993]", 4),
            (#"{"n":9223372036854775807}"#, 5), ("99999999999999999999", 0), ("-99999999999999999999", 0),
        ])
    func unsafeIntegers(text: String, offset: Int) {
        #expect(parseError(text) == Refusal(message: "integer outside ±9007199254740991", offset: offset))
    }

    @Test("Int64.min and integers with many leading digits are refused like any other unsafe integer")
    func extremeIntegersAreRefused() {
        let message = "integer outside ±9007199254740991"
        #expect(parseError("-9223372036854775808") == Refusal(message: message, offset: 0))
        #expect(parseError("[-9223372036854775809]") == Refusal(message: message, offset: 1))
        #expect(parseError(String(repeating: "9", count: 400)) == Refusal(message: message, offset: 0))
        #expect(parseError("10000000000000000") == Refusal(message: message, offset: 0))
        #expect(parseError("-10000000000000000") == Refusal(message: message, offset: 0))
        #expect((try? JSONParser.parse("1000000000000000")) == .int(1_000_000_000_000_000))
        #expect((try? JSONParser.parse("-1000000000000000")) == .int(-1_000_000_000_000_000))
    }

    @Test(
        "unterminated strings and escapes",
        arguments: [
            (#""abc"#, 4, "unterminated string"), (#""ab\"#, 4, "unterminated string"),
            (#""a\nb"#, 5, "unterminated string"), (#"{"a"#, 3, "unterminated string"),
            (#""\u12"#, 3, "unexpected end of input"), (#""\u12G4""#, 5, "invalid \\u escape"),
            (#""\x""#, 3, "invalid escape"), (#""\'""#, 3, "invalid escape"), (#""\U0041""#, 3, "invalid escape"),
        ] as [(String, Int, String)])
    func strings(text: String, offset: Int, message: String) {
        #expect(parseError(text) == Refusal(message: message, offset: offset))
    }

    @Test(
        "lone surrogates: a high one alone or followed by anything but a low one, a low one alone",
        arguments: [
            (#""\uD800""#, 7), (#""\uD800x""#, 7), (#""\uDBFF\n""#, 7), (#""\uD800\u0041""#, 13),
            (#""\uD800\uD800""#, 13), (#""\uDC00""#, 7), (#""\uDFFF\uD800""#, 7), (#""a\uDC00""#, 8),
            (#"{"\uD83D":1}"#, 8),
        ])
    func loneSurrogates(text: String, offset: Int) {
        #expect(parseError(text) == Refusal(message: "lone surrogate in string", offset: offset))
    }

    @Test(
        "raw control characters in strings",
        arguments: [("\"a\tb\"", 2), ("\"\\n\n\"", 3), ("\"\u{0}\"", 1), ("\"\u{1F}\"", 1), ("{\"a\rb\":1}", 3)])
    func controlCharacters(text: String, offset: Int) {
        #expect(parseError(text) == Refusal(message: "control character in string must be escaped", offset: offset))
    }

    @Test(
        "invalid UTF-8 inside a string is refused at the string's first byte",
        arguments: [
            [0x22, 0xFF, 0x22],  // never valid
            [0x22, 0x61, 0xC3, 0x22],  // truncated two-byte sequence
            [0x22, 0xC0, 0x80, 0x22],  // overlong NUL
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8 encoded surrogate (CESU-8)
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // beyond U+10FFFF
            [0x22, 0x80, 0x22],  // lone continuation byte
            [0x22, 0x5C, 0x6E, 0xFF, 0x22],  // after an escape (slow path)
        ] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) {
        #expect(parseError(bytes) == Refusal(message: "invalid UTF-8 in string", offset: 1))
    }

    @Test("invalid UTF-8 in a key, and bytes outside strings")
    func invalidUTF8Elsewhere() {
        #expect(
            parseError([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
                == Refusal(message: "invalid UTF-8 in string", offset: 2))
        #expect(parseError([0xFF]) == Refusal(message: "unexpected character", offset: 0))
        #expect(
            parseError([0x5B, 0x31, 0x2C, 0xC3, 0xA9, 0x5D]) == Refusal(message: "unexpected character", offset: 3))
    }

    @Test("a repeated key is refused, also when spelled with an escape, and the error points into that object")
    func duplicateKeys() throws {
        let flat = #"{"a":1,"a":2}"#
        let flatError = try #require(parseError(flat))
        #expect(flatError.message == "duplicate key in object")
        #expect((0...flat.utf8.count).contains(flatError.offset))

        let escaped = try #require(parseError(#"{"a":1,"\u0061":2}"#))
        #expect(escaped.message == "duplicate key in object")

        // The inner object spans bytes 5...18.
        let nested = try #require(parseError(#"{"x":{"a":1,"a":2},"y":3}"#))
        #expect(nested.message == "duplicate key in object")
        #expect((5...19).contains(nested.offset))

        let inArray = try #require(parseError(#"[{"k":[],"k":{}}]"#))
        #expect(inArray.message == "duplicate key in object")
    }

    @Test("keys that differ only in Unicode normalization are different keys (RFC 8785 compares code units)")
    func normalizationVariantsAreDistinctKeys() throws {
        // "\u00e9" (NFC) and "e\u0301" (NFD) are canonically equivalent but distinct JSON strings.
        let value = try JSONParser.parse(#"{"\u00e9":1,"e\u0301":2}"#)
        #expect(value.objectValue?.count == 2)
    }

    @Test("nesting deeper than 64 levels is refused at the opening bracket of level 65")
    func tooDeep() {
        let message = "nesting deeper than 64"
        let arrays = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(parseError(arrays) == Refusal(message: message, offset: 64))
        let objects = String(repeating: #"{"a":"#, count: 64) + "{}" + String(repeating: "}", count: 64)
        #expect(parseError(objects) == Refusal(message: message, offset: 64 * 5))
        // Depth is checked before the end of input is: an unclosed deep document names the depth.
        #expect(parseError(String(repeating: "[", count: 1000)) == Refusal(message: message, offset: 64))
    }

    @Test("JSONError describes the offset and the rule")
    func errorDescription() {
        #expect(throws: JSONError.self) { try JSONParser.parse("[1, trux]") }
        do {
            _ = try JSONParser.parse("[1, trux]")
        } catch {
            #expect(error.description == "invalid JSON at byte 4: invalid literal")
        }
    }
}
