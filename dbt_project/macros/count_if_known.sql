{#-
  A yearly count that tells zero from unknown: the count when there is one; 0 when an
  extract of the agency covers the year (it delivered and had none); null otherwise.
  known_years: CTE name(s) of covered years (see known_years); year: the row's year.
-#}
{% macro count_if_known(count, known_years, year='years.year') -%}
    {%- set covering = [known_years] if known_years is string else known_years -%}
    cast(case
        when {{ count }} is not null then {{ count }}
        when {{ year }} in (
            {%- for cte in covering %}
            select year from {{ cte }}{{ " union" if not loop.last }}
            {%- endfor %}
        ) then 0
    end as bigint)
{%- endmacro %}
