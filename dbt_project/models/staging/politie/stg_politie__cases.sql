-- Police cases, latest extract per period.
{{ latest_extract(source('unified', 'case_record'), 'politie') }}
