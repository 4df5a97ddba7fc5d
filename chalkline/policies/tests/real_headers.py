"""The opening lines of real published board policies, as their districts publish them.

Each excerpt keeps only the header and the start of the first sentence (the policy texts carry
their publishers' copyright), with the page it was read from. ``number`` is the normalized
number a reader of the page would give; None when the page itself carries no number of its
own (only a cross-reference, or nothing), where the importer must say so and never guess.
Read by ``test_real_headers.py`` and ``bench/policy_number_bench.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Excerpt:
    district: str
    url: str
    number: str | None
    text: str


EXCERPTS: tuple[Excerpt, ...] = (
    Excerpt(
        "Brookwood School District 167 (IL)",
        "https://www.brookwood167.org/technology-usage-conduct-policy/",
        "5:125",
        "Brookwood 167\n\nBrookwood School District 167\n\n5:125\n\ngeneral personnel\n\n"
        "Personal Technology and Social Media; Usage and Conduct\n\nDefinitions\n\n"
        "Includes – Means “includes without limitation” or “includes, but is not limited to.”\n",
    ),
    Excerpt(
        "Woodridge School District 68 (IL)",
        "https://www.woodridge68.org/Page/219",
        "5600",
        "Board Policy 5600\n\nStudent Records\n\n  •  \n\n"
        "    School student records are confidential and information from them shall not be "
        "released other than as provided by law.\n",
    ),
    Excerpt(
        "Wilmette Public Schools District 39 (IL)",
        "http://wilmette39.org/board_of_ed/board_policy/section_7_-_students/7_340_-_student_records",
        "7:340",
        "7:340 - Student Records\n\nPolicy 7:340\n\nStudents\n\nStudent Records\n\n"
        "School student records are confidential and information from them shall not be "
        "released other than as provided by law.\n",
    ),
    Excerpt(
        "Palestine Community Unit School District 3 (IL)",
        "http://palestine.k12.il.us/index.php/district-info/student-records",
        "7:340",
        "100 South Main Street\n\nPalestine, IL  62451\n\nPhone:  618-586-2713\n\n"
        "Fax:      618-586-2905\n\nGratis Joomla Templates\n\nFaculty Login\n\nSearch\n\n"
        "Student Records\n\nAdministrative Procedure 7:340\n\nStudent Records\n\n \n\n"
        "Student Records Defined\n\nA student record is any record that contains personally "
        "identifiable information.\n",
    ),
    Excerpt(
        "Batavia Public School District 101 (IL)",
        "http://www.bps101.net/policy/s7/p7340/7340ap1/",
        "7:340-AP1",
        "Policy\n\n7:340-AP1- School Student Records\n\n"
        "This procedure implements policy 7:340, Student Records. It contains a Table of "
        "Contents and lettered Sections.\n",
    ),
    Excerpt(
        "an Illinois district on schoolwires (il02218195)",
        "https://il02218195.schoolwires.net/Page/161",
        "5:030",
        "Section 5 - Personnel\n\n  • General Personnel\n\n    Policy 5:30\n\n\n"
        "    Hiring Process and Criteria\n\n"
        "    The District hires the most qualified personnel consistent with budget and "
        "staffing requirements.\n",
    ),
    Excerpt(
        "Northbrook School District 28 (IL), handbook page",
        "https://www.northbrook28.net/Page/498",
        None,  # a handbook page citing the policy, not the policy: a cross-reference
        "Student Records\n\n  • (Refer to Board Policy 7:340)\n\n"
        "    School student records are confidential and information from them shall not be "
        "released other than as provided by law.\n",
    ),
    Excerpt(
        "Red Oak Community School District (IA)",
        "https://redoak.iowaschoolfinance.com/policy/5071-student-records",
        "507.1",
        "507.1 - Student Records\n\n"
        "The board recognizes the importance of maintaining student records and preserving "
        "their confidentiality as provided by law.\n",
    ),
    Excerpt(
        "Issaquah School District 411 (WA)",
        "https://www.isd411.org/about-us/regulations/2000-series/2026",
        "2026",
        "Skip To Main Content\n\nSearch Panel\n\nSchools Menu\n\n2026 - Social Media\n\n"
        "Users should consider how their online behavior may affect their own safety and "
        "reputation and that of the District.\n",
    ),
    Excerpt(
        "Pasco School District 1 (WA)",
        "https://www.psd1.org/about/policies-and-procedures/dynamic-policy-page/~board/"
        "3000-series/post/policy-3600-student-records",
        "3600",
        "Skip To Main Content\n\n3600 - Student Records Policy\n\nPolicy 3600\n\n\n"
        "Student Records\nThe district will maintain those student records necessary for the "
        "educational guidance and/or welfare of students.\n",
    ),
    Excerpt(
        "Tacoma Public Schools (WA)",
        "https://www.tacomaschools.org/about/school-board/policy-manual/policy-details-page/"
        "~board/policy-3000/post/3231",
        "3231",
        "Policy Details Page\nPolicy No. 3231\nStudents\n"
        "The district shall maintain those student records necessary for the educational "
        "guidance and/or welfare of students.\n",
    ),
    Excerpt(
        "La Center School District (WA)",
        "https://lacenterschools.org/policy-3231",
        "3231",
        "Policy 3231\nStudent RecordsThe district shall maintain those student records "
        "necessary for the educational guidance and/or welfare of students.\n",
    ),
    Excerpt(
        "Walla Walla Public Schools (WA)",
        "http://www.wwps.org/district/information/school-board/policies/series-3000/"
        "4239-board-policy-no-3231?tmpl=component&print=1&page=",
        "3231",
        "Logo\n\n3231 - Student Records\n\nBOARD POLICY No. 3231\n\nSTUDENT RECORDS\n\n"
        "The district will maintain those student records necessary for the educational "
        "guidance and/or welfare of students.\n",
    ),
    Excerpt(
        "Franklin Pierce Schools (WA)",
        "https://www.fpschools.org/about/policies-and-procedures/3000s-students/"
        "rights-and-responsibilities/3231-student-records",
        "3231",
        "3231 Student Records\n\n"
        "The district will maintain those student records necessary for the educational "
        "guidance and/or welfare of students.\n",
    ),
    Excerpt(
        "Marysville School District 25 (WA)",
        "https://www.msd25.org/page/staff-social-media-policy",
        None,  # no number on the page; the numbers at the end are cross-references
        "The Board of Directors recognizes that social media technology can serve as a "
        "powerful tool to enhance education, communication, and learning.\n\n"
        "Cross References:\n\n1117 Code of Ethical Conduct\n\n"
        "2022 Electronic Resources (Networks)\n\n"
        "5253 Maintaining Professional Staff-Student Boundaries\n",
    ),
    Excerpt(
        "Sublette County School District 9 (WY)",
        "https://www.sublette9.org/departments/board-of-trustees/policies/"
        "gbea-staff-ethics-conflict-of-interest",
        "GBEA",
        "GBEA Staff Ethics-Conflict of Interest\n\nCode: GBEA\n\n\n"
        "The board expects members of its staff to be familiar with the Code of Ethics that "
        "applies to their profession.\n",
    ),
    Excerpt(
        "Ashburnham-Westminster Regional School District (MA)",
        "https://sites.google.com/a/awrsd.org/awrsd-policy-manual/"
        "ashburnham-westminster-regional-school-district/g-personnel/gbeb-code-of-conduct",
        "GBEB",
        "GBEB Code of Conduct\n\n\n\n"
        "All staff members will be expected to carry out their assigned responsibilities with "
        "conscientious concern and exemplary professional conduct.\n",
    ),
    Excerpt(
        "Melrose Public Schools (MA)",
        "http://melroseschools.com/school-committee/district-policy-manual/g-personnel/"
        "gbea-staff-conflict-of-interest/",
        "GBEA",
        "GBEA: Staff Ethics/Conflict of Interest\n\n"
        "The Committee expects members of its staff to be familiar with the code of ethics "
        "that applies to their profession.\n",
    ),
    Excerpt(
        "South Hadley Public Schools (MA)",
        "https://policy.southhadleyschools.org/G+-+Personnel/"
        "GBEA+-+STAFF+ETHICS++CONFLICT+OF+INTEREST",
        "GBEA",
        "GBEA - STAFF ETHICS / CONFLICT OF INTEREST\nLast Updated Date: 03/25/2014\n"
        "Adoption Date: 01/10/2006\n"
        "The School Committee expects members of its professional staff to be familiar with "
        "the code of ethics that applies to their profession.\n",
    ),
    Excerpt(
        "Gardner Public Schools (MA)",
        "https://www.gardnerk12.org/about-us/district-policies/gbea-staff-ethicsconflict-interest/",
        "GBEA",
        "GBEA, Staff Ethics/Conflict of Interest\n\nFile:  GBEA\n\n\n\n\n\n"
        "The School Committee expects members of its professional staff to be familiar with "
        "the code of ethics that applies to their profession.\n",
    ),
    Excerpt(
        "Amphitheater Unified School District (AZ)",
        "https://policy.azsba.org/asba/DocViewer.jsp?docid=266&z2collection=amphitheater",
        "GBEA",
        "GBEA\nSTAFF  ETHICS\n\n"
        "It is the duty of the District's Governing Board members and employees to maintain "
        "professional ethics at all times.\n",
    ),
    Excerpt(
        "Tucson Unified School District (AZ)",
        "https://govboard.tusd1.org/Policies-and-Regulations/Policy-Code-GBEA",
        "GBEA",
        "Staff Ethics\n\nSection G: Personnel\n\nPolicy Title: Staff Ethics\nPolicy Code: GBEA\n\n"
        "Print Version (in PDF)\n\n"
        "All employees of the District are expected to maintain high standards in their school "
        "relationships.\n",
    ),
    Excerpt(
        "Cleveland Metropolitan School District (OH)",
        "https://www.clevelandmetroschools.org/Page/19890",
        "GBC",
        "• GBC: Code of Ethics\n\n\n"
        "    The Board is committed to ensuring that the District effectively uses public "
        "resources to provide the best education possible to all students in the District.\n",
    ),
    Excerpt(
        "Mountain View Whisman School District (CA)",
        "https://www.mvwsd.org/cms/One.aspx?portalId=418858&pageId=536306",
        "4040",
        "4040 BP - Employee Use of Technology\n\nAll Personnel \nBoard Policy No. 4040\n"
        "Policy approved: January 30, 2025\n\nEMPLOYEE USE OF TECHNOLOGY\n\n"
        "The Governing Board recognizes that technological resources enhance employee "
        "performance.\n",
    ),
    Excerpt(
        "Palos Verdes Peninsula Unified School District (CA)",
        "https://bartz.com/pvpusd/policy/4000/Employee%20Use%20Of%20Technology.htm",
        "4040",
        "Palos Verdes Peninsula\nBoard Policy BP 4040 All Personnel\n"
        "Employee Use Of Technology The Board of Education recognizes that technology can "
        "enhance employee performance.\n",
    ),
    Excerpt(
        "Irvine Unified School District (CA)",
        "https://iusd.org/about/board-education/board-policies/selection-instructional-materials",
        "6161.1",
        "SELECTION OF INSTRUCTIONAL MATERIALS\n\nBOARD POLICY - 6161.1\n\n"
        "The Board of Education expects that District instructional materials represent "
        "current knowledge, diverse perspectives.\n",
    ),
    Excerpt(
        "Placentia-Yorba Linda Unified School District (CA)",
        "https://bps.pylusd.org/sendfile.aspx?c=5&did=935",
        "5126",  # "-BP": the document is the Board Policy, not a numbered part
        "Students |\n5126-BP |\nPUPIL RECORDS\nThe Board of\nEducation of the\n"
        "Therefore, it is the\npolicy of the school district that all policies and procedures "
        "pertinent to\npupil records be in accordance with state and federal\nlaws and "
        "regulations.\n",
    ),
    Excerpt(
        "San Benito County Office of Education (CA)",
        "http://sbcoebp.wp.iescentral.com/board-policy/?parent=1199&child=1287",
        "5125",
        "Select Page\n\nDistrict Policies\n\nViewing Policy: BP 5125 -Student Records\n\n\n\n"
        "BP 5125\n\nStudents\n\nStudent Records\n\n \n\n"
        "The San Benito County Office of Eduction (SBCOE) recognizes the importance of keeping "
        "accurate, comprehensive student records as required by law.\n",
    ),
    Excerpt(
        "Lodi Unified School District (CA)",
        "https://www.lodiusd.net/boardpolicies/5000/5125",
        "5125",
        "Skip To Main Content\nLodi Unified School District\n\n"
        "Policy 5125 - Student Records\n\nSeries: 5000 - Students\n\n"
        "Policy: 5125 - Student Records\n\nAdopted: 05/11/1967\n\n"
        "Last Revised: 06/04/2024\n\nStudent Records\n\n"
        "The Board of Education recognizes the importance of keeping accurate, comprehensive "
        "student records as required by law.\n",
    ),
    Excerpt(
        "Pacific Grove Unified School District (CA)",
        "http://boardpolicy.pgusd.org/2015/12/22/"
        "6161-1-instruction-instructional-services-selection-and-evaluation-of-instructional-materials/",
        "6161.1",
        "6161.1 – Instruction – Instructional Services – Selection and Evaluation of "
        "Instructional Materials\n\nPolicy – x\nRegulation –\nExhibit –\n\n"
        "Adopted – 3/5/1998\nRevised – 3/15/2012\n"
        "The Board of Education desires that district instructional materials, as a whole, "
        "present a broad spectrum of knowledge and viewpoints.\n",
    ),
    Excerpt(
        "Virginia Beach City Public Schools (VA)",
        "https://schoolboard.vbschools.com/policies/section-5/5-21-3",
        "5:021.3",
        "Discipline of Students with Disabilities 5-21.3\n"
        "School Board of the City of Virginia Beach\nRegulation 5-21.3\nSTUDENTS\n"
        "Discipline of Students with Disabilities\n"
        "Students with disabilities may be suspended to an alternative setting or out of "
        "school for ten (10) school days per school year.\n",
    ),
    Excerpt(
        "Mountain Brook Schools (AL)",
        "https://www.mtnbrook.k12.al.us/Page/893",
        None,  # the page carries no policy number
        "Educational records as defined by law or Board policy will be available for "
        "examination and review by authorized persons in the manner prescribed.\n\n"
        "    Adopted:  January 22, 1979\n\n    Revised:   September 11, 2023\n",
    ),
)
