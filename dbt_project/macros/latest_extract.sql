{#-
  Rows of the latest extract of each (agency, period): the file with the latest extract
  date supersedes earlier ones for that period. Earlier vintages stay in unified.*.
-#}
{% macro latest_extract(relation, agency) -%}
    select * exclude (latest_extract_date)
    from (
        select
            *,
            max(extract_date) over (partition by source_agency, period) as latest_extract_date
        from {{ relation }}
        where source_agency = '{{ agency }}'
    )
    where extract_date = latest_extract_date
{%- endmacro %}

{#- The latest extract's rows of an agency, with the attributes of the person each names. -#}
{% macro latest_with_person(table, agency, person_columns) -%}
    with latest as (
        {{ latest_extract(source('unified', table), agency) }}
    )

    select
        latest.*,
        {%- for column in person_columns %}
        person.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from latest
    inner join {{ source('unified', 'person_record') }} as person using (record_id)
{%- endmacro %}
