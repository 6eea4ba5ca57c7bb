{#- Years covered by a loaded extract of an agency: there a missing count is a true zero. -#}
{% macro known_years(agency) -%}
    select distinct cast(left(period, 4) as integer) as year
    from {{ source('ops', 'file_manifest') }}
    where source_agency = '{{ agency }}' and status = 'loaded'
{%- endmacro %}
